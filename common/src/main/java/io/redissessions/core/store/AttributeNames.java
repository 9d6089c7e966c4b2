package io.redissessions.core.store;

import io.redissessions.core.codec.AttributeEncodingException;

/**
 * Attribute names as hash fields: {@code a:<name>} in UTF-8. A name that has no UTF-8 form (an
 * unpaired surrogate: Java writes '?' for it) would be stored under another name and collide with
 * it ({@code "a\uD800"} and {@code "a\uDC00"} both become {@code "a?"}), so it is refused.
 */
public final class AttributeNames {

    private AttributeNames() {
    }

    /**
     * @throws AttributeEncodingException when {@code name} contains an unpaired surrogate; the
     *         message shows the name with such characters escaped ({@code \uD800})
     */
    public static void requireStorable(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++; // a pair: one code point, fine in UTF-8
            } else if (Character.isSurrogate(c)) {
                throw new AttributeEncodingException(name, "Cannot store session attribute '" + escaped(name)
                        + "': its name contains an unpaired surrogate (U+" + Integer.toHexString(c).toUpperCase()
                        + "), which has no UTF-8 form; it would be stored under the same name as other names. Use a"
                        + " name of well-formed Unicode text.", null);
            }
        }
    }

    private static String escaped(String name) {
        StringBuilder b = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length()
                    && Character.isLowSurrogate(name.charAt(i + 1));
            if (paired) {
                b.append(c).append(name.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
