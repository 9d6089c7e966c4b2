package io.redissessions.core.codec;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.Settings;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The stored form of one attribute value (wire format version 1, see docs/wire-format.md):
 *
 * <pre>
 * byte 0   format version (1)
 * byte 1   codec id: 'J' json, 'S' JDK serialization
 * byte 2   flags: bit 0 = payload deflate-compressed, bit 1 = HMAC-SHA256 appended,
 *                 bit 2 = the HMAC is bound to the field, session and namespace
 * ...      payload (compressed when flagged)
 * last 32  the HMAC, when flagged (see {@link Signatures})
 * </pre>
 *
 * Encoding uses the configured codec. Decoding dispatches on the codec id, among the codecs this
 * node reads ({@code readCodecs}: by default the configured codec only, so that a node with
 * {@code codec=json} never runs JDK deserialization on what it finds in Redis). When a signing key
 * is configured, every value is signed for the place it is stored in ({@link SignatureScope} and
 * its field name), and a value without a valid bound signature is rejected; values signed the way
 * releases before did (unbound) are accepted only with {@code legacySignatures=accept}.
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
    /** Flag bit 1: an HMAC-SHA256 follows the payload. */
    public static final int FLAG_SIGNED = 2;
    /** Flag bit 2 (only with bit 1): the HMAC covers where the value is stored, see {@link Signatures}. */
    public static final int FLAG_BOUND = 4;
    /** Bytes before the payload. */
    public static final int HEADER_BYTES = 3;
    /** Bytes of the signature, when present. */
    public static final int SIGNATURE_BYTES = Signatures.MAC_BYTES;
    /** Largest payload written or read, after inflating: 16 MiB. */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
    /** The hash field of attribute {@code name} is this prefix and the name (Fields.ATTRIBUTE_PREFIX). */
    static final String ATTRIBUTE_FIELD_PREFIX = "a:";

    private final AttributeCodec encoder;
    private final JsonCodec json;
    private final JavaCodec java;
    private final Set<String> readCodecs;
    private final int compressionThresholdBytes;
    private final Signatures signatures;
    private final DecodeProof proof = new DecodeProof();

    /**
     * A codec that reads only {@code codecName}, signs with {@code signingKeyOrNull} and rejects
     * legacy signatures.
     *
     * @see #ValueCodec(String, String, ClassAllowList, int, Signatures)
     */
    public ValueCodec(String codecName, ClassAllowList allowList, int compressionThresholdBytes,
            byte[] signingKeyOrNull) {
        this(codecName, null, allowList, compressionThresholdBytes, new Signatures(signingKeyOrNull, false));
    }

    /**
     * @param codecName {@code json} or {@code java}: the codec that writes values
     * @param readCodecs the codecs whose values are decoded, comma-separated ({@code json,java});
     *        null: {@code codecName} only. Must include {@code codecName}.
     * @param allowList the classes besides the built-in value types that may be decoded
     * @param compressionThresholdBytes compress payloads of at least this size; 0 = never
     * @param signatures the signing key (or none) and whether legacy signatures are accepted
     * @throws ConfigurationException naming the setting when an argument cannot work
     */
    public ValueCodec(String codecName, String readCodecs, ClassAllowList allowList, int compressionThresholdBytes,
            Signatures signatures) {
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
        this.readCodecs = readCodecs == null ? Set.of(name) : parseReadCodecs(readCodecs);
        if (!this.readCodecs.contains(name)) {
            throw new ConfigurationException(Settings.READ_CODECS.name(), readCodecs,
                    "must include the codec this node writes, codec=" + name + ": e.g. " + name);
        }
        if (compressionThresholdBytes < 0) {
            throw new ConfigurationException("compressionThresholdBytes", compressionThresholdBytes,
                    "0 (off) or a size in bytes");
        }
        this.compressionThresholdBytes = compressionThresholdBytes;
        this.signatures = Objects.requireNonNull(signatures, "signatures");
    }

    /** The codec for a validated configuration: codec, read codecs, allow-list, threshold, key, legacy signatures. */
    public static ValueCodec fromConfig(SessionStoreConfig config) {
        String key = config.effectiveSigningKey();
        Signatures signatures = new Signatures(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                config.acceptsLegacySignatures());
        return new ValueCodec(config.codecName(), config.get(Settings.READ_CODECS), config.allowList(),
                config.getCompressionThresholdBytes(), signatures);
    }

    /**
     * The codec names of a {@code readCodecs} value: {@code json}, {@code java} or both, separated
     * by commas or spaces, in any case.
     *
     * @throws ConfigurationException naming the setting for anything else
     */
    public static Set<String> parseReadCodecs(String text) {
        Set<String> names = new LinkedHashSet<>();
        for (String part : text.split("[,\\s]+")) {
            String n = part.trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) {
                continue;
            }
            if (!n.equals(JsonCodec.NAME) && !n.equals(JavaCodec.NAME)) {
                throw new ConfigurationException(Settings.READ_CODECS.name(), text,
                        "json, java, or json,java while moving from one codec to the other");
            }
            names.add(n);
        }
        if (names.isEmpty()) {
            throw new ConfigurationException(Settings.READ_CODECS.name(), text, "json, java, or json,java");
        }
        return Set.copyOf(names);
    }

    /** The name of the codec that writes values: {@code json} or {@code java}. */
    public String codecName() {
        return encoder.name();
    }

    /** The codecs whose values this node decodes. */
    public Set<String> readCodecs() {
        return readCodecs;
    }

    public Signatures signatures() {
        return signatures;
    }

    /**
     * Encodes a value with the configured codec, compressed as configured, unsigned: the value's
     * envelope, for the re-encoding that finds values changed in place and for checking that a
     * value can be stored ({@code setAttribute} wants {@link #encodeStorable}). What is stored is
     * {@link #encode(SignatureScope, String, Object)}.
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
        byte[] envelope = new byte[HEADER_BYTES + payload.length];
        envelope[0] = FORMAT_VERSION;
        envelope[1] = encoder.id();
        envelope[2] = (byte) flags;
        System.arraycopy(payload, 0, envelope, HEADER_BYTES, payload.length);
        return envelope;
    }

    /** The stored form of a value as attribute {@code attributeName} of a session of {@code scope}: signed when a key is set. */
    public byte[] encode(SignatureScope scope, String attributeName, Object value) {
        return signed(signatures, scope, ATTRIBUTE_FIELD_PREFIX + attributeName, encode(attributeName, value));
    }

    /**
     * Decodes a stored value of attribute {@code attributeName} of a session of {@code scope},
     * checking its signature when a key is set; see {@link AttributeCodec#decode}. A null class
     * loader means the thread's context class loader.
     *
     * @throws AttributeDecodingException for every kind of failure, naming the attribute
     */
    public Object decode(SignatureScope scope, String attributeName, byte[] stored, ClassLoader classLoader) {
        int end = verified(signatures, scope, ATTRIBUTE_FIELD_PREFIX + attributeName, attributeName, stored,
                "session attribute '" + attributeName + "'");
        return decodeEnvelope(attributeName, stored, end, classLoader);
    }

    /**
     * Decodes a value without knowing where it is stored: only for a codec without a signing key
     * (a signature, if present, is not checked).
     *
     * @throws IllegalStateException when a signing key is set: use {@link #decode(SignatureScope, String, byte[], ClassLoader)}
     */
    public Object decode(String attributeName, byte[] stored, ClassLoader classLoader) {
        if (signatures.enabled()) {
            throw new IllegalStateException("a signing key is set: a value is checked against where it is stored");
        }
        return decode(new SignatureScope("", "", ""), attributeName, stored, classLoader);
    }

    /** Whether a stored value is signed the way releases before signed: unbound. */
    public static boolean isLegacySigned(byte[] stored) {
        return stored != null && stored.length > 2 && (stored[2] & (FLAG_SIGNED | FLAG_BOUND)) == FLAG_SIGNED;
    }

    /**
     * The stored value of a legacy-signed value, signed anew for where it is stored, for a codec
     * that accepts legacy signatures.
     *
     * @throws AttributeDecodingException when its legacy signature does not verify
     */
    public byte[] resign(SignatureScope scope, String attributeName, byte[] stored) {
        int end = verified(signatures, scope, ATTRIBUTE_FIELD_PREFIX + attributeName, attributeName, stored,
                "session attribute '" + attributeName + "'");
        byte[] envelope = Arrays.copyOf(stored, end);
        envelope[2] &= (byte) ~(FLAG_SIGNED | FLAG_BOUND);
        return signed(signatures, scope, ATTRIBUTE_FIELD_PREFIX + attributeName, envelope);
    }

    // ------------------------------------------------------------------ the envelope, shared with ExtraCodec

    /** {@code envelope} (unsigned) as stored: with a key, flagged signed and bound, and its MAC appended. */
    static byte[] signed(Signatures signatures, SignatureScope scope, String field, byte[] envelope) {
        if (!signatures.enabled()) {
            return envelope;
        }
        byte[] stored = Arrays.copyOf(envelope, envelope.length + SIGNATURE_BYTES);
        stored[2] = (byte) (stored[2] | FLAG_SIGNED | FLAG_BOUND);
        byte[] mac = signatures.fieldMac(scope, field, stored, envelope.length);
        System.arraycopy(mac, 0, stored, envelope.length, SIGNATURE_BYTES);
        return stored;
    }

    /**
     * Checks the header and, with a key, the signature of a stored envelope.
     *
     * @return where its payload ends (before the MAC, if any)
     * @throws AttributeDecodingException naming {@code what}
     */
    static int verified(Signatures signatures, SignatureScope scope, String field, String name, byte[] stored,
                        String what) {
        if (stored == null) {
            throw failure(name, what, "no stored bytes");
        }
        if (stored.length < HEADER_BYTES) {
            throw failure(name, what, "truncated: " + stored.length + " bytes, shorter than the header");
        }
        if (stored[0] != FORMAT_VERSION) {
            throw failure(name, what, "unknown format version " + (stored[0] & 0xff) + " (this version reads "
                    + FORMAT_VERSION + "; written by a newer redis-sessions, or not by redis-sessions at all)");
        }
        int flags = stored[2] & 0xff;
        boolean signed = (flags & FLAG_SIGNED) != 0;
        if ((flags & ~(FLAG_COMPRESSED | FLAG_SIGNED | FLAG_BOUND)) != 0 || (!signed && (flags & FLAG_BOUND) != 0)) {
            throw failure(name, what, "unknown flags 0x" + Integer.toHexString(flags));
        }
        int end = stored.length;
        if (signed) {
            end -= SIGNATURE_BYTES;
            if (end < HEADER_BYTES) {
                throw failure(name, what, "truncated: " + stored.length + " bytes, too short for the signature");
            }
        }
        if (!signatures.enabled()) {
            return end;
        }
        if (!signed) {
            throw failure(name, what, "it is not signed, but a signing key is configured");
        }
        if ((flags & FLAG_BOUND) == 0) {
            if (!signatures.acceptsLegacy()) {
                throw failure(name, what, "it is signed the way earlier releases signed, not bound to where it is"
                        + " stored; such values are accepted only with legacySignatures=accept (during an upgrade)");
            }
            if (!Signatures.macMatches(stored, signatures.legacyMac(stored, end))) {
                throw failure(name, what, "bad signature: tampered with, or signed with another signing key");
            }
            return end;
        }
        if (!Signatures.macMatches(stored, signatures.fieldMac(scope, field, stored, end))) {
            throw failure(name, what, "bad signature: tampered with, copied from another field, session or"
                    + " namespace, or signed with another signing key");
        }
        return end;
    }

    private Object decodeEnvelope(String attributeName, byte[] stored, int end, ClassLoader classLoader) {
        AttributeCodec codec = codecFor(attributeName, stored[1]);
        byte[] payload = Arrays.copyOfRange(stored, HEADER_BYTES, end);
        if ((stored[2] & FLAG_COMPRESSED) != 0) {
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

    private AttributeCodec codecFor(String attributeName, byte id) {
        AttributeCodec codec = id == JsonCodec.ID ? json : id == JavaCodec.ID ? java : null;
        String what = "session attribute '" + attributeName + "'";
        if (codec == null) {
            throw failure(attributeName, what, "unknown codec id 0x" + Integer.toHexString(id & 0xff));
        }
        if (!readCodecs.contains(codec.name())) {
            List<String> both = new ArrayList<>(readCodecs);
            both.add(codec.name());
            throw failure(attributeName, what, "it is written with codec " + codec.name() + ", which this node does"
                    + " not read (readCodecs=" + String.join(",", new LinkedHashSet<>(readCodecs)) + "). While moving"
                    + " from one codec to the other, set readCodecs=" + String.join(",", both));
        }
        return codec;
    }

    private static byte[] inflate(String attributeName, byte[] compressed) {
        try {
            return Deflate.decompress(compressed, MAX_PAYLOAD_BYTES);
        } catch (Deflate.Failure e) {
            throw failure(attributeName, "session attribute '" + attributeName + "'",
                    "compressed payload: " + e.getMessage());
        }
    }

    private static AttributeDecodingException failure(String name, String what, String reason) {
        return new AttributeDecodingException(name, "Cannot read " + what + ": " + reason);
    }
}
