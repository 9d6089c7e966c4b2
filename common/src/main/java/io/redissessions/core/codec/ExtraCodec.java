package io.redissessions.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The stored form of a container extra ({@code #x:<name>}: Tomcat's login state, Jetty's cookie
 * time...), whose value is text.
 *
 * <ul>
 *   <li>Without a signing key: the text in UTF-8, as it is (readable with {@code redis-cli}).</li>
 *   <li>With a signing key: the envelope of attribute values with codec id {@code 'X'} (text),
 *       flags signed and bound, the UTF-8 text as payload and its MAC for field
 *       {@code #x:<name>} of its session ({@link Signatures}). An extra without a valid bound
 *       signature is rejected; plain text, as releases before wrote extras, is accepted only with
 *       {@code legacySignatures=accept}.</li>
 * </ul>
 *
 * A node without a key reads both forms (the signature is not checked). Immutable and thread-safe.
 */
public final class ExtraCodec {

    /** The codec id of an extra's envelope. */
    public static final byte ID = 'X';
    /** The hash field of extra {@code name} is this prefix and the name (Fields.EXTRA_PREFIX). */
    static final String EXTRA_FIELD_PREFIX = "#x:";

    private final Signatures signatures;

    public ExtraCodec(Signatures signatures) {
        this.signatures = Objects.requireNonNull(signatures, "signatures");
    }

    /** The stored form of extra {@code name} with value {@code text} in a session of {@code scope}. */
    public byte[] encode(SignatureScope scope, String name, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (!signatures.enabled()) {
            return utf8;
        }
        byte[] envelope = new byte[ValueCodec.HEADER_BYTES + utf8.length];
        envelope[0] = ValueCodec.FORMAT_VERSION;
        envelope[1] = ID;
        System.arraycopy(utf8, 0, envelope, ValueCodec.HEADER_BYTES, utf8.length);
        return ValueCodec.signed(signatures, scope, EXTRA_FIELD_PREFIX + name, envelope);
    }

    /**
     * The text of extra {@code name} as stored in a session of {@code scope}, its signature checked
     * when a key is set.
     *
     * @throws AttributeDecodingException when it is not signed for this place (a key is set), or damaged
     */
    public String decode(SignatureScope scope, String name, byte[] stored) {
        if (!isEnvelope(stored)) {
            if (signatures.enabled() && !signatures.acceptsLegacy()) {
                throw new AttributeDecodingException(name, "Cannot read container extra '" + EXTRA_FIELD_PREFIX + name
                        + "': it is not signed, but a signing key is configured (unsigned extras, as earlier releases"
                        + " wrote them, are accepted only with legacySignatures=accept, during an upgrade)");
            }
            return new String(stored, StandardCharsets.UTF_8);
        }
        int end = ValueCodec.verified(signatures, scope, EXTRA_FIELD_PREFIX + name, name, stored,
                "container extra '" + EXTRA_FIELD_PREFIX + name + "'");
        if ((stored[2] & ValueCodec.FLAG_COMPRESSED) != 0) {
            throw new AttributeDecodingException(name, "Cannot read container extra '" + EXTRA_FIELD_PREFIX + name
                    + "': extras are never compressed");
        }
        return new String(stored, ValueCodec.HEADER_BYTES, end - ValueCodec.HEADER_BYTES, StandardCharsets.UTF_8);
    }

    /**
     * Whether a stored extra is in a form of releases before, for a node with a key: plain text,
     * or signed unbound.
     */
    public boolean isLegacy(byte[] stored) {
        return signatures.enabled() && (!isEnvelope(stored) || ValueCodec.isLegacySigned(stored));
    }

    /**
     * A legacy extra (see {@link #isLegacy}) signed anew for where it is stored.
     *
     * @throws AttributeDecodingException when it cannot be read
     */
    public byte[] resign(SignatureScope scope, String name, byte[] stored) {
        return encode(scope, name, decode(scope, name, stored));
    }

    /** Whether {@code stored} is an envelope (plain text never starts with the byte 1 and 'X'). */
    private static boolean isEnvelope(byte[] stored) {
        return stored.length >= ValueCodec.HEADER_BYTES && stored[0] == ValueCodec.FORMAT_VERSION && stored[1] == ID;
    }
}
