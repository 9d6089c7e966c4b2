package io.redissessions.core.codec;

/**
 * An attribute value cannot be stored. Thrown from {@code setAttribute} so that the application
 * sees it at once; the message names the attribute, the value's class and the setting to change.
 */
public class AttributeEncodingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String attributeName;

    public AttributeEncodingException(String attributeName, String message, Throwable cause) {
        super(message, cause);
        this.attributeName = attributeName;
    }

    public String attributeName() {
        return attributeName;
    }
}
