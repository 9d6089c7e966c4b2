package io.redissessions.core.codec;

import io.redissessions.core.SessionStoreConfig;

/**
 * The stored form of one attribute value (wire format version 1, see docs/wire-format.md):
 *
 * <pre>
 * byte 0   format version (1)
 * byte 1   codec id: 'J' json, 'S' JDK serialization
 * byte 2   flags: bit 0 = payload deflate-compressed, bit 1 = HMAC-SHA256 signature appended
 * ...      payload (compressed when flagged)
 * last 32  signature over all bytes before it, when flagged
 * </pre>
 *
 * Encoding uses the configured codec; decoding dispatches on the codec id so that values written
 * by a node with the other codec still read. When a signing key is configured, unsigned or
 * badly signed values are rejected.
 */
public final class ValueCodec {

    public static final byte FORMAT_VERSION = 1;

    // TODO(codec helper): implement; see the class comment.

    public static ValueCodec fromConfig(SessionStoreConfig config) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Encodes a value with the configured codec; compresses and signs as configured. */
    public byte[] encode(String attributeName, Object value) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Decodes a stored value; see {@link AttributeCodec#decode}. */
    public Object decode(String attributeName, byte[] stored, ClassLoader classLoader) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
