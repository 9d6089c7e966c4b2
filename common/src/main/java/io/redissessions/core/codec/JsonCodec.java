package io.redissessions.core.codec;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.lang.ref.SoftReference;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * Attribute values as JSON (codec id {@code 'J'}, setting value {@code json}), with Jackson.
 *
 * <p>Admitted by default: null, String, Boolean, Character, the boxed numbers, BigDecimal,
 * BigInteger, arrays, ArrayList, LinkedList, HashMap, LinkedHashMap, TreeMap, HashSet,
 * LinkedHashSet, TreeSet, the unmodifiable collections of {@code List.of}/{@code Set.of}/
 * {@code Map.of}/{@code Collections.*}/{@code Arrays.asList}, Date, UUID, Locale, the
 * java.time value types, and the JDK comparators and collection wrappers and views of
 * {@link JsonJdkHelpers}. Beans, records and enums must be named in {@code allowedClasses}.
 *
 * <p>Every value whose declared type is not final carries its class name as a type id
 * ({@code ["java.lang.Long", 5]}), so that Long stays Long and a list of beans comes back as
 * beans; the natural JSON types (String, Boolean, Integer, Double) need none. Type ids are
 * checked by name before anything is loaded, generic ids ({@code List<X>}) are refused, and
 * classes are loaded only through the class loader given to {@link #decode}.
 *
 * <p>Map entries are written sorted by key, so that equal maps give equal bytes whatever their
 * iteration order (a map whose keys cannot be compared with each other is written as it
 * iterates). Sets are written in iteration order.
 *
 * <p>Known losses: map keys come back as strings unless the declared type of a bean's property
 * says otherwise; unmodifiable lists from {@code List.of} come back modifiable (equal content);
 * bean properties that Jackson cannot see (no getter or public field) are not stored.
 */
public final class JsonCodec implements AttributeCodec {

    /** The codec id byte. */
    public static final byte ID = 'J';
    /** The value of the {@code codec} setting. */
    public static final String NAME = "json";

    private final TypeNamePolicy policy;
    private final JsonTypeValidator validator;
    /** Per class loader, so that caches never mix webapps; soft so that the loader can go. */
    private final Map<ClassLoader, SoftReference<Mappers>> mappers = new WeakHashMap<>();

    public JsonCodec(ClassAllowList allowList) {
        this.policy = TypeNamePolicy.forJson(Objects.requireNonNull(allowList, "allowList"));
        this.validator = new JsonTypeValidator(policy);
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
        Mappers m = mappersFor(defaultLoader());
        try {
            return m.writer.writeValueAsBytes(value);
        } catch (Exception e) {
            if (hasCause(e, ClassCastException.class)) {
                try {
                    return m.unsortedWriter.writeValueAsBytes(value); // keys of kinds that do not compare
                } catch (Exception again) {
                    throw encodingFailure(attributeName, value, again);
                }
            }
            throw encodingFailure(attributeName, value, e);
        }
    }

    @Override
    public Object decode(String attributeName, byte[] payload, ClassLoader classLoader) {
        ClassLoader loader = classLoader != null ? classLoader : defaultLoader();
        try {
            return mappersFor(loader).reader.readValue(payload);
        } catch (Exception | LinkageError e) {
            throw new AttributeDecodingException(attributeName, "Cannot read session attribute '"
                    + attributeName + "' from JSON: " + firstLine(e), e);
        }
    }

    private Mappers mappersFor(ClassLoader loader) {
        synchronized (mappers) {
            SoftReference<Mappers> ref = mappers.get(loader);
            Mappers m = ref == null ? null : ref.get();
            if (m == null) {
                m = new Mappers(newMapper(loader));
                mappers.put(loader, new SoftReference<>(m));
            }
            return m;
        }
    }

    private JsonMapper newMapper(ClassLoader loader) {
        return JsonMapper.builder()
                .typeFactory(new JsonTypeFactory(loader, policy))
                .polymorphicTypeValidator(validator)
                .setDefaultTyping(new JsonTypeResolverBuilder(validator, policy))
                .addModule(JsonJavaTime.module())
                .addModule(JsonJdkHelpers.module())
                // Tolerate properties that the class no longer has: during a rolling deploy,
                // nodes with the old and the new version of a class share sessions, and a
                // removed field should not cost the user the whole attribute. Which classes
                // may be created is still decided strictly by the type ids.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
                // Equal maps give equal bytes: a read attribute is written back when its bytes change.
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.FAIL_ON_ORDER_MAP_BY_INCOMPARABLE_KEY)
                // NaN and infinities as JSON tokens, so that they come back as Double.
                .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
    }

    private static AttributeEncodingException encodingFailure(String attributeName, Object value, Exception e) {
        String valueClass = value == null ? "null" : value.getClass().getName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonTypeIdResolver.NotAllowedTypeException) {
                JsonTypeIdResolver.NotAllowedTypeException n = (JsonTypeIdResolver.NotAllowedTypeException) t;
                String inside = n.valueClassName().equals(valueClass) ? "" : " inside it";
                return new AttributeEncodingException(attributeName, "Cannot store session attribute '"
                        + attributeName + "' (value of class " + valueClass + ") with codec=json: class "
                        + n.valueClassName() + inside + " is not allowed (type id " + n.typeId()
                        + "). Add it, or its package as com.example.*, to the `allowedClasses` setting,"
                        + " or use codec=java for Serializable classes.", null);
            }
        }
        return new AttributeEncodingException(attributeName, "Cannot store session attribute '"
                + attributeName + "' (value of class " + valueClass + ") with codec=json: Jackson cannot"
                + " write it (" + firstLine(e) + "). Make it a bean with getters and setters, or a record,"
                + " without cycles, list it in the `allowedClasses` setting, or use codec=java for"
                + " Serializable classes.", e);
    }

    /** Jackson's message without its source excerpt and reference chain, at most 240 chars. */
    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int cut = m.indexOf('\n');
        if (cut >= 0) {
            m = m.substring(0, cut);
        }
        cut = m.indexOf(" (through reference chain");
        if (cut >= 0) {
            m = m.substring(0, cut);
        }
        m = m.trim();
        return m.length() <= 240 ? m : m.substring(0, 240) + "...";
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static ClassLoader defaultLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : JsonCodec.class.getClassLoader();
    }

    /** The reader and writer of one class loader's mapper, both for declared type Object. */
    private static final class Mappers {
        final ObjectReader reader;
        final ObjectWriter writer;
        final ObjectWriter unsortedWriter;

        Mappers(JsonMapper mapper) {
            this.reader = mapper.readerFor(Object.class);
            this.writer = mapper.writerFor(Object.class);
            this.unsortedWriter = writer.without(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        }
    }
}
