package io.redissessions.core.codec;

/**
 * Bytes read from Redis cannot be turned back into the attribute: garbage, truncated data, a bad
 * signature, or a class that is gone or not allowed. Costs that attribute only.
 */
public class AttributeDecodingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String attributeName;

    public AttributeDecodingException(String attributeName, String message, Throwable cause) {
        super(message, cause);
        this.attributeName = attributeName;
    }

    public AttributeDecodingException(String attributeName, String message) {
        this(attributeName, message, null);
    }

    public String attributeName() {
        return attributeName;
    }
}
