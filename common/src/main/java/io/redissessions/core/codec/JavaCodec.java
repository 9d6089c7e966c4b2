package io.redissessions.core.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.util.Objects;

/**
 * Attribute values as JDK serialization (codec id {@code 'S'}, setting value {@code java}), for
 * applications whose session classes are {@link java.io.Serializable} but not JSON-friendly.
 *
 * <p>Reading never loads a class outside the {@code allowedClasses} setting and the built-in JDK
 * value types and collections of {@link JsonCodec} (where {@code List.of} and friends travel as
 * {@code java.util.CollSer}, java.time values as {@code java.time.Ser}, and boxed numbers and
 * enums bring {@code java.lang.Number} and {@code java.lang.Enum}): names are checked before
 * loading, through the class loader given to {@link #decode} and without initializing. Dynamic
 * proxies are refused, and the stream is bounded by {@link #MAX_DEPTH}, {@link #MAX_REFERENCES},
 * {@link #MAX_ARRAY_LENGTH} and {@link #MAX_STREAM_BYTES}; a JVM-wide serial filter, when one is
 * configured, applies as well. The work a value can cost once read is bounded too: a value whose
 * objects, with shared references counted each time they are reached, are more than
 * {@link DecodeWork#MAX_UNFOLDED_OBJECTS} is refused before a hash collection hashes it
 * ({@link DecodeWork}: nested sets built to pin the thread in {@code hashCode}). Writing refuses the same classes, so errors show up in
 * {@code setAttribute} rather than when the session is read.
 */
public final class JavaCodec implements AttributeCodec {

    /** The codec id byte. */
    public static final byte ID = 'S';
    /** The value of the {@code codec} setting. */
    public static final String NAME = "java";

    /** Deepest nesting of objects; ample for session data, and it bounds recursion in hashCode and equals. */
    public static final int MAX_DEPTH = 32;
    /** Most objects, classes and strings in one value (each counts as a reference). */
    public static final int MAX_REFERENCES = 100_000;
    /** Longest array; HashMap and ArrayList size their internal arrays from the stream too. */
    public static final int MAX_ARRAY_LENGTH = 1_000_000;
    /** Largest stream, the same cap as for inflated payloads in {@link ValueCodec}. */
    public static final long MAX_STREAM_BYTES = 16L * 1024 * 1024;

    private static final ObjectInputFilter LIMITS = ObjectInputFilter.Config.createFilter(
            "maxdepth=" + MAX_DEPTH + ";maxrefs=" + MAX_REFERENCES + ";maxarray=" + MAX_ARRAY_LENGTH
                    + ";maxbytes=" + MAX_STREAM_BYTES);

    private final TypeNamePolicy policy;

    public JavaCodec(ClassAllowList allowList) {
        this.policy = TypeNamePolicy.forJava(Objects.requireNonNull(allowList, "allowList"));
    }

    @Override
    public byte id() {
        return ID;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(String attributeName, Object value) {
        return encodeForProof(attributeName, value).payload;
    }

    /** Encodes, and tells whether the value was flat (see {@link DecodeProof}). */
    DecodeProof.Encoded encodeForProof(String attributeName, Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        boolean flat;
        try (AllowListObjectOutputStream out = new AllowListObjectOutputStream(bytes, policy)) {
            out.writeObject(value);
            flat = out.wroteFlatValue();
        } catch (IOException | RuntimeException e) {
            throw encodingFailure(attributeName, value, e);
        }
        return new DecodeProof.Encoded(bytes.toByteArray(), flat);
    }

    @Override
    public Object decode(String attributeName, byte[] payload, ClassLoader classLoader) {
        ClassLoader loader = classLoader != null ? classLoader : defaultLoader();
        try (AllowListObjectInputStream in = new AllowListObjectInputStream(
                new ByteArrayInputStream(payload), loader, policy)) {
            in.setObjectInputFilter(filter());
            return in.readObject();
        } catch (Exception | LinkageError | StackOverflowError e) {
            // StackOverflowError: hashCode or equals of a collection that holds itself, as a
            // forged stream can make (HashMap calls hashCode while it reads its keys)
            String limits = String.valueOf(e.getMessage()).contains("REJECTED")
                    ? " (over the limits: depth " + MAX_DEPTH + ", references " + MAX_REFERENCES
                            + ", array length " + MAX_ARRAY_LENGTH + ", " + MAX_STREAM_BYTES + " bytes,"
                            + " or refused by the JVM-wide serial filter)"
                    : "";
            throw new AttributeDecodingException(attributeName, "Cannot read session attribute '"
                    + attributeName + "' from JDK serialization: " + e + limits, e);
        }
    }

    private static ObjectInputFilter filter() {
        ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
        return jvmWide == null ? LIMITS : ObjectInputFilter.merge(LIMITS, jvmWide);
    }

    private static AttributeEncodingException encodingFailure(String attributeName, Object value, Exception e) {
        String prefix = "Cannot store session attribute '" + attributeName + "' (value of class "
                + (value == null ? "null" : value.getClass().getName()) + ") with codec=java: ";
        if (e instanceof NotSerializableException) {
            return new AttributeEncodingException(attributeName, prefix + "class " + e.getMessage()
                    + " is not Serializable. Implement java.io.Serializable in it, or use codec=json"
                    + " and list the classes in the `allowedClasses` setting.", e);
        }
        if (e instanceof AllowListObjectOutputStream.NotAllowedClassException) {
            return new AttributeEncodingException(attributeName, prefix + "class "
                    + ((AllowListObjectOutputStream.NotAllowedClassException) e).classname
                    + " is not allowed. Add it, or its package as com.example.*, to the"
                    + " `allowedClasses` setting.", e);
        }
        return new AttributeEncodingException(attributeName, prefix + e
                + ". Make every class in it Serializable and list it in the `allowedClasses` setting,"
                + " or use codec=json.", e);
    }

    private static ClassLoader defaultLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : JavaCodec.class.getClassLoader();
    }
}
