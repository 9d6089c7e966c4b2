package io.redissessions.core.codec;

/**
 * Turns one attribute value into bytes and back. Implementations are thread-safe. The bytes here
 * are the payload only; {@link ValueCodec} adds the header, compression and signature.
 */
public interface AttributeCodec {

    /** The codec id byte written in each value's header. */
    byte id();

    /** The name of the {@code codec} setting value that selects this codec. */
    String name();

    /**
     * Encodes a value.
     *
     * @throws AttributeEncodingException naming the attribute, the value's class and the setting
     *         to change when the value cannot be encoded
     */
    byte[] encode(String attributeName, Object value);

    /**
     * Decodes a payload, resolving classes through {@code classLoader} (the webapp's). No class
     * outside the codec's built-in safe types and the allow-list is ever loaded.
     *
     * @throws AttributeDecodingException for garbage, truncated data or a class that is unknown
     *         or not allowed
     */
    Object decode(String attributeName, byte[] payload, ClassLoader classLoader);
}
