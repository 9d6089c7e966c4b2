package io.redissessions.core.codec;

import java.io.InvalidClassException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Date;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The proof that {@code setAttribute} asks for: the bytes a value encodes to decode again, so
 * that a value that one node can write but no node can read fails in the application's own call
 * and never later, on another node (where it would log the user out or refuse a form).
 *
 * <p>Cost: one decode. Measured on small session values it is as dear as the encode that
 * {@code setAttribute} already does, or dearer (JDK serialization decodes 2-3 times slower than
 * it encodes). So the proof is skipped where its verdict is already known:
 * <ul>
 *   <li>Strings, booleans, the boxed numbers, UUID, enums and java.time values cannot fail (but
 *       BigDecimal and BigInteger can, with json, beyond 1000 digits: those are proven).</li>
 *   <li>A <em>flat</em> value, one object whose fields hold only such scalars (a bean of
 *       strings and numbers, an enum, a list or map of scalars), of at most
 *       {@link #FLAT_MAX_PAYLOAD_BYTES}: whether it decodes depends on its class, not on the
 *       scalars it holds. Its class's verdict is cached once proven, per {@link Class} object
 *       (so per class loader: a redeployed webapp's classes are new classes) in a
 *       {@link ClassValue}, which lives and dies with the class. The size bound keeps every
 *       flat value within the codecs' limits on references and array lengths.</li>
 *   <li>Every other value is decoded each time: whether a list, a map or a graph of beans
 *       decodes depends on what it holds (the classes inside, how deep it nests, how many
 *       objects), which no verdict about one class can tell.</li>
 * </ul>
 * What the cache takes on trust: that a class whose flat instances decoded once decodes for every
 * flat instance, which a setter, constructor or readObject that accepts some field values and
 * rejects others would break.
 *
 * <p>The proof decodes through the given class loader (the webapp's, or the thread's context
 * class loader when null), as another node will.
 */
final class DecodeProof {

    /** Largest payload of a flat value whose class verdict is cached. */
    static final int FLAT_MAX_PAYLOAD_BYTES = 16 * 1024;

    private static final Set<Class<?>> SCALARS = Set.of(String.class, Boolean.class, Character.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
            UUID.class, Date.class, Locale.class);

    private final ClassValue<Verdict> verdicts = new ClassValue<>() {
        @Override
        protected Verdict computeValue(Class<?> type) {
            return new Verdict();
        }
    };

    /** Whether values of this class hold no other object that could fail to decode. */
    static boolean isScalar(Class<?> type) {
        return SCALARS.contains(type) || Enum.class.isAssignableFrom(type)
                || type.isArray() && type.getComponentType().isPrimitive()
                || type.getName().startsWith("java.time."); // the values and their serial proxy
    }

    /** Whether decoding this value cannot fail, whatever the codec: no proof needed. */
    static boolean cannotFail(Object value) {
        return value == null || ImmutableValues.isImmutable(value)
                && !(value instanceof BigDecimal) && !(value instanceof BigInteger);
    }

    /**
     * Decodes {@code encoded} unless a flat value of the same class was proven before.
     *
     * @throws AttributeEncodingException when it does not decode, saying what to change
     */
    void prove(AttributeCodec codec, String attributeName, Object value, Encoded encoded, ClassLoader loader) {
        boolean cacheable = encoded.flat && encoded.payload.length <= FLAT_MAX_PAYLOAD_BYTES;
        Verdict verdict = cacheable ? verdicts.get(value.getClass()) : null;
        if (verdict != null && verdict.proven) {
            return;
        }
        try {
            codec.decode(attributeName, encoded.payload, loader);
        } catch (RuntimeException | StackOverflowError e) {
            throw refusal(codec.name(), attributeName, value, e);
        }
        if (verdict != null) {
            verdict.proven = true;
        }
    }

    private static AttributeEncodingException refusal(String codec, String attributeName, Object value, Throwable e) {
        String reason = e instanceof StackOverflowError ? "it nests too deeply or holds itself" : e.getMessage();
        String prefix = "Cannot store session attribute '" + attributeName + "' (value of class "
                + value.getClass().getName() + ") with codec=" + codec + ": it encodes, but would not decode on"
                + " another node (" + reason + "). ";
        return new AttributeEncodingException(attributeName, prefix + advice(codec, e), e);
    }

    private static String advice(String codec, Throwable e) {
        if (JsonCodec.NAME.equals(codec)) {
            return "Give its classes a public no-argument constructor and setters, or a @JsonCreator constructor,"
                    + " or store them with codec=java (JDK serialization, for Serializable classes; list them in"
                    + " the `allowedClasses` setting).";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidClassException && String.valueOf(t.getMessage()).contains("not allowed")) {
                return "Add " + ((InvalidClassException) t).classname + ", or its package as com.example.*, to the"
                        + " `allowedClasses` setting.";
            }
            if (t instanceof ClassNotFoundException) {
                return "A class in it is not visible to the webapp's class loader: keep session values to classes"
                        + " of the webapp, its libraries and the JDK.";
            }
        }
        if (String.valueOf(e.getMessage()).contains("over the limits")) {
            return "Keep session values smaller or flatter.";
        }
        return "Make its readObject/readResolve accept what its writeObject writes, or use codec=json.";
    }

    /** One encoded payload and whether it is flat. */
    static final class Encoded {
        final byte[] payload;
        final boolean flat;

        Encoded(byte[] payload, boolean flat) {
            this.payload = payload;
            this.flat = flat;
        }
    }

    /** A class's cached verdict: a flat value of it was proven. Holds no reference to anything. */
    private static final class Verdict {
        volatile boolean proven;
    }
}
