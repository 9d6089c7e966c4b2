package io.redissessions.core.codec;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

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
 *
 * <p>Details: the payload is compressed (zlib-wrapped deflate, as {@link java.util.zip.Deflater}
 * writes it) when the compression threshold is above 0 and the payload has at least that many
 * bytes. Payloads, inflated or not, are at most {@link #MAX_PAYLOAD_BYTES}; larger values fail
 * to encode. Without a signing key, signed values are read without checking the signature (a
 * node without a key accepts unsigned values anyway). Every failure to decode, whatever the
 * cause, is an {@link AttributeDecodingException}. Instances are thread-safe; their settings are
 * fixed, and the only state is the cache of proven classes of {@link #encodeStorable}.
 */
public final class ValueCodec {

    public static final byte FORMAT_VERSION = 1;
    /** Flag bit 0: the payload is deflate-compressed. */
    public static final int FLAG_COMPRESSED = 1;
    /** Flag bit 1: an HMAC-SHA256 over all preceding bytes follows the payload. */
    public static final int FLAG_SIGNED = 2;
    /** Bytes before the payload. */
    public static final int HEADER_BYTES = 3;
    /** Bytes of the signature, when present. */
    public static final int SIGNATURE_BYTES = 32;
    /** Largest payload written or read, after inflating: 16 MiB. */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

    private static final String HMAC = "HmacSHA256";

    private final AttributeCodec encoder;
    private final JsonCodec json;
    private final JavaCodec java;
    private final int compressionThresholdBytes;
    private final SecretKeySpec signingKey;
    private final DecodeProof proof = new DecodeProof();

    /**
     * @param codecName {@code json} or {@code java}: the codec that writes values (both read)
     * @param allowList the classes besides the built-in value types that may be decoded
     * @param compressionThresholdBytes compress payloads of at least this size; 0 = never
     * @param signingKeyOrNull at least {@value SessionStoreConfig#MIN_SIGNING_KEY_BYTES} bytes to
     *        sign values and reject unsigned ones, or null; the array is copied
     * @throws ConfigurationException naming the setting when an argument cannot work
     */
    public ValueCodec(String codecName, ClassAllowList allowList, int compressionThresholdBytes,
            byte[] signingKeyOrNull) {
        Objects.requireNonNull(allowList, "allowList");
        this.json = new JsonCodec(allowList);
        this.java = new JavaCodec(allowList);
        String name = codecName == null ? "" : codecName.trim().toLowerCase(Locale.ROOT);
        if (name.equals(JsonCodec.NAME)) {
            this.encoder = json;
        } else if (name.equals(JavaCodec.NAME)) {
            this.encoder = java;
        } else {
            throw new ConfigurationException("codec", codecName, "expected json or java");
        }
        if (compressionThresholdBytes < 0) {
            throw new ConfigurationException("compressionThresholdBytes", compressionThresholdBytes,
                    "0 (off) or a size in bytes");
        }
        this.compressionThresholdBytes = compressionThresholdBytes;
        if (signingKeyOrNull != null && signingKeyOrNull.length < SessionStoreConfig.MIN_SIGNING_KEY_BYTES) {
            throw new ConfigurationException("signingKey", "****",
                    "at least " + SessionStoreConfig.MIN_SIGNING_KEY_BYTES + " bytes; use a long random secret");
        }
        this.signingKey = signingKeyOrNull == null ? null : new SecretKeySpec(signingKeyOrNull.clone(), HMAC);
        if (signingKey != null) {
            mac(new byte[0], 0); // fail now, not while decoding, should the JVM lack HmacSHA256
        }
    }

    /** The codec for a validated configuration: its codec, allow-list, threshold and key. */
    public static ValueCodec fromConfig(SessionStoreConfig config) {
        String key = config.effectiveSigningKey();
        return new ValueCodec(config.codecName(), config.allowList(), config.getCompressionThresholdBytes(),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8));
    }

    /** The name of the codec that writes values: {@code json} or {@code java}. */
    public String codecName() {
        return encoder.name();
    }

    /**
     * Encodes a value with the configured codec; compresses and signs as configured. For the
     * re-encoding that finds values changed in place; {@code setAttribute} wants
     * {@link #encodeStorable}.
     */
    public byte[] encode(String attributeName, Object value) {
        return frame(requireSize(attributeName, encoder.encode(attributeName, value)));
    }

    /**
     * Encodes a value as {@link #encode} does and proves that the result decodes again, through
     * {@code classLoader} (the webapp's; null means the thread's context class loader), as
     * another node will decode it: what {@code setAttribute} calls, so that a value no node could
     * read fails in the application's own call. The proof is skipped where its verdict is known
     * (see {@link DecodeProof}: scalars, and flat values of a class proven before).
     *
     * @throws AttributeEncodingException naming the attribute, the value's class and the setting
     *         to change, when the value cannot be encoded or would not decode
     */
    public byte[] encodeStorable(String attributeName, Object value, ClassLoader classLoader) {
        if (DecodeProof.cannotFail(value)) {
            return encode(attributeName, value);
        }
        DecodeProof.Encoded encoded = encoder == java ? java.encodeForProof(attributeName, value)
                : new DecodeProof.Encoded(json.encode(attributeName, value), false);
        requireSize(attributeName, encoded.payload);
        if (encoder == json) {
            encoded = new DecodeProof.Encoded(encoded.payload, JsonFlatness.isFlat(encoded.payload));
        }
        proof.prove(encoder, attributeName, value, encoded, classLoader);
        return frame(encoded.payload);
    }

    private byte[] requireSize(String attributeName, byte[] payload) {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new AttributeEncodingException(attributeName, "Cannot store session attribute '"
                    + attributeName + "': its " + encoder.name() + " form takes " + payload.length
                    + " bytes, more than the limit of " + MAX_PAYLOAD_BYTES + ". Keep large data out of"
                    + " the session.", null);
        }
        return payload;
    }

    private byte[] frame(byte[] encodedPayload) {
        byte[] payload = encodedPayload;
        int flags = 0;
        if (compressionThresholdBytes > 0 && payload.length >= compressionThresholdBytes) {
            payload = Deflate.compress(payload);
            flags |= FLAG_COMPRESSED;
        }
        if (signingKey != null) {
            flags |= FLAG_SIGNED;
        }
        int macBytes = signingKey != null ? SIGNATURE_BYTES : 0;
        byte[] stored = new byte[HEADER_BYTES + payload.length + macBytes];
        stored[0] = FORMAT_VERSION;
        stored[1] = encoder.id();
        stored[2] = (byte) flags;
        System.arraycopy(payload, 0, stored, HEADER_BYTES, payload.length);
        if (signingKey != null) {
            byte[] mac = mac(stored, stored.length - SIGNATURE_BYTES);
            System.arraycopy(mac, 0, stored, stored.length - SIGNATURE_BYTES, SIGNATURE_BYTES);
        }
        return stored;
    }

    /**
     * Decodes a stored value; see {@link AttributeCodec#decode}. A null class loader means the
     * thread's context class loader.
     *
     * @throws AttributeDecodingException for every kind of failure, naming the attribute
     */
    public Object decode(String attributeName, byte[] stored, ClassLoader classLoader) {
        if (stored == null) {
            throw failure(attributeName, "no stored bytes");
        }
        if (stored.length < HEADER_BYTES) {
            throw failure(attributeName, "truncated: " + stored.length + " bytes, shorter than the header");
        }
        if (stored[0] != FORMAT_VERSION) {
            throw failure(attributeName, "unknown format version " + (stored[0] & 0xff) + " (this version reads "
                    + FORMAT_VERSION + "; written by a newer redis-sessions, or not by redis-sessions at all)");
        }
        int flags = stored[2] & 0xff;
        if ((flags & ~(FLAG_COMPRESSED | FLAG_SIGNED)) != 0) {
            throw failure(attributeName, "unknown flags 0x" + Integer.toHexString(flags));
        }
        int end = stored.length;
        if ((flags & FLAG_SIGNED) != 0) {
            end -= SIGNATURE_BYTES;
            if (end < HEADER_BYTES) {
                throw failure(attributeName, "truncated: " + stored.length + " bytes, too short for the signature");
            }
        }
        if (signingKey != null) {
            if ((flags & FLAG_SIGNED) == 0) {
                throw failure(attributeName, "the value is not signed, but a signing key is configured");
            }
            byte[] expected = mac(stored, end);
            if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(stored, end, stored.length))) {
                throw failure(attributeName, "bad signature: tampered with, or signed with another signing key");
            }
        }
        AttributeCodec codec = codecFor(stored[1]);
        if (codec == null) {
            throw failure(attributeName, "unknown codec id 0x" + Integer.toHexString(stored[1] & 0xff));
        }
        byte[] payload = Arrays.copyOfRange(stored, HEADER_BYTES, end);
        if ((flags & FLAG_COMPRESSED) != 0) {
            payload = inflate(attributeName, payload);
        }
        try {
            return codec.decode(attributeName, payload, classLoader);
        } catch (AttributeDecodingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AttributeDecodingException(attributeName, "Cannot read session attribute '"
                    + attributeName + "' with codec=" + codec.name() + ": " + e, e);
        }
    }

    private AttributeCodec codecFor(byte id) {
        if (id == JsonCodec.ID) {
            return json;
        }
        if (id == JavaCodec.ID) {
            return java;
        }
        return null;
    }

    private static byte[] inflate(String attributeName, byte[] compressed) {
        try {
            return Deflate.decompress(compressed, MAX_PAYLOAD_BYTES);
        } catch (Deflate.Failure e) {
            throw failure(attributeName, "compressed payload: " + e.getMessage());
        }
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(signingKey);
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " is not available in this JVM", e);
        }
    }

    private static AttributeDecodingException failure(String attributeName, String reason) {
        return new AttributeDecodingException(attributeName,
                "Cannot read session attribute '" + attributeName + "': " + reason);
    }
}
