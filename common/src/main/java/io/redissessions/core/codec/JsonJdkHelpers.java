package io.redissessions.core.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.Version;
import com.fasterxml.jackson.core.type.WritableTypeId;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.Serializers;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.type.MapType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The JDK helpers that ordinary collections carry, for JSON (the JDK serialization codec stores
 * them as they are; see {@link TypeNamePolicy}):
 * <ul>
 *   <li>The comparators {@code String.CASE_INSENSITIVE_ORDER}, {@code Comparator.naturalOrder()},
 *       {@code Comparator.reverseOrder()} (= {@code Collections.reverseOrder()}) and
 *       {@code Collections.reverseOrder(c)} of such a comparator, as
 *       {@code ["<class>", {}]} and {@code ["java.util.Collections$ReverseComparator2",
 *       {"reversed": <c>}]}; sorted maps and sets keep them ({@link JsonSortedForms}).</li>
 *   <li>The unmodifiable and synchronized wrappers of sorted maps and sets, under their own type
 *       id, rebuilt as the same wrapper around a TreeMap or TreeSet; and
 *       {@code Collections.unmodifiableCollection}, which Jackson alone does not rebuild.</li>
 *   <li>What cannot be rebuilt as it was is written as a detached copy of the same kind: the
 *       checked wrappers (their element type has no public accessor: the copy does not check),
 *       {@code Collections.newSetFromMap}, and the key sets and value collections of maps
 *       ({@link JdkViews}).</li>
 * </ul>
 */
final class JsonJdkHelpers {

    private static final String REVERSED = "reversed";
    private static final String CASE_INSENSITIVE = "java.lang.String$CaseInsensitiveComparator";
    private static final String REVERSE = "java.util.Collections$ReverseComparator";
    private static final String REVERSE_OF = "java.util.Collections$ReverseComparator2";
    private static final String NATURAL = "java.util.Comparators$NaturalOrderComparator";
    private static final String UNMODIFIABLE_COLLECTION = "java.util.Collections$UnmodifiableCollection";

    private static final Map<String, Function<Object, Object>> SORTED_WRAPPERS = Map.ofEntries(
            Map.entry("java.util.Collections$UnmodifiableSortedSet", s -> Collections.unmodifiableSortedSet((SortedSet<?>) s)),
            Map.entry("java.util.Collections$UnmodifiableNavigableSet", s -> Collections.unmodifiableNavigableSet((NavigableSet<?>) s)),
            Map.entry("java.util.Collections$UnmodifiableNavigableSet$EmptyNavigableSet",
                    s -> Collections.unmodifiableNavigableSet((NavigableSet<?>) s)),
            Map.entry("java.util.Collections$SynchronizedSortedSet", s -> Collections.synchronizedSortedSet((SortedSet<?>) s)),
            Map.entry("java.util.Collections$SynchronizedNavigableSet",
                    s -> Collections.synchronizedNavigableSet((NavigableSet<?>) s)),
            Map.entry("java.util.Collections$UnmodifiableSortedMap", m -> Collections.unmodifiableSortedMap((SortedMap<?, ?>) m)),
            Map.entry("java.util.Collections$UnmodifiableNavigableMap",
                    m -> Collections.unmodifiableNavigableMap((NavigableMap<?, ?>) m)),
            Map.entry("java.util.Collections$UnmodifiableNavigableMap$EmptyNavigableMap",
                    m -> Collections.unmodifiableNavigableMap((NavigableMap<?, ?>) m)),
            Map.entry("java.util.Collections$SynchronizedSortedMap", m -> Collections.synchronizedSortedMap((SortedMap<?, ?>) m)),
            Map.entry("java.util.Collections$SynchronizedNavigableMap",
                    m -> Collections.synchronizedNavigableMap((NavigableMap<?, ?>) m)));

    private JsonJdkHelpers() {
    }

    static Module module() {
        return new Module() {
            @Override
            public String getModuleName() {
                return "redis-sessions-jdk-helpers";
            }

            @Override
            public Version version() {
                return Version.unknownVersion();
            }

            @Override
            public void setupModule(SetupContext context) {
                context.addSerializers(new ComparatorSerializers());
                context.addBeanSerializerModifier(new SerializerModifier());
                context.addDeserializers(new HelperDeserializers());
                context.addBeanDeserializerModifier(new DeserializerModifier());
            }
        };
    }

    /** The detached copy that JSON writes for a JDK collection it cannot rebuild, else null. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object copyOf(Object value) {
        String name = value.getClass().getName();
        if (JdkViews.isView(value.getClass())) {
            return value instanceof Collection ? JdkViews.detachedCopy(value) : null; // entries: refused
        }
        if (name.startsWith("java.util.Collections$Checked")) {
            if (value instanceof SortedSet) {
                return new TreeSet<>((SortedSet) value);
            }
            if (value instanceof SortedMap) {
                return new TreeMap<>((SortedMap) value);
            }
            if (value instanceof Map) {
                return new LinkedHashMap<>((Map) value);
            }
            if (value instanceof java.util.Set) {
                return new LinkedHashSet<>((Collection) value);
            }
            return value instanceof java.util.Queue ? new LinkedList<>((Collection) value)
                    : new ArrayList<>((Collection) value);
        }
        if (name.equals("java.util.Collections$SetFromMap") || name.equals("java.util.Collections$SequencedSetFromMap")) {
            return new LinkedHashSet<>((Collection) value);
        }
        return null;
    }

    private static boolean copied(Class<?> type) {
        String name = type.getName();
        return JdkViews.isView(type) && Collection.class.isAssignableFrom(type)
                || name.startsWith("java.util.Collections$Checked") || name.equals("java.util.Collections$SetFromMap")
                || name.equals("java.util.Collections$SequencedSetFromMap");
    }

    /** Writes the copy, under the copy's own type id. */
    private static final class CopySerializer extends JsonSerializer<Object> {
        @Override
        public void serialize(Object value, JsonGenerator g, SerializerProvider provider) throws IOException {
            Object copy = copyOf(value);
            provider.findPrimaryPropertySerializer(copy.getClass(), null).serialize(copy, g, provider);
        }

        @Override
        public void serializeWithType(Object value, JsonGenerator g, SerializerProvider provider, TypeSerializer typeSer)
                throws IOException {
            Object copy = copyOf(value);
            provider.findPrimaryPropertySerializer(copy.getClass(), null).serializeWithType(copy, g, provider, typeSer);
        }
    }

    private static final class SerializerModifier extends BeanSerializerModifier {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonSerializer<?> modifyCollectionSerializer(SerializationConfig config, CollectionType type,
                BeanDescription beanDesc, JsonSerializer<?> serializer) {
            return modify(type.getRawClass(), serializer, SortedSet.class);
        }

        @Override
        public JsonSerializer<?> modifyMapSerializer(SerializationConfig config, MapType type,
                BeanDescription beanDesc, JsonSerializer<?> serializer) {
            return modify(type.getRawClass(), serializer, SortedMap.class);
        }

        private static JsonSerializer<?> modify(Class<?> raw, JsonSerializer<?> serializer, Class<?> sorted) {
            if (copied(raw)) {
                return new CopySerializer();
            }
            return sorted.isAssignableFrom(raw) ? new JsonSortedForms.Serializer(serializer) : serializer;
        }
    }

    private static final class DeserializerModifier extends BeanDeserializerModifier {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonDeserializer<?> modifyCollectionDeserializer(DeserializationConfig config, CollectionType type,
                BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
            return type.getRawClass() == TreeSet.class ? new JsonSortedForms.TreeSetDeserializer(deserializer) : deserializer;
        }

        @Override
        public JsonDeserializer<?> modifyMapDeserializer(DeserializationConfig config, MapType type,
                BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
            return type.getRawClass() == TreeMap.class ? new JsonSortedForms.TreeMapDeserializer(deserializer) : deserializer;
        }
    }

    private static final class HelperDeserializers extends Deserializers.Base {
        @Override
        public JsonDeserializer<?> findCollectionDeserializer(CollectionType type, DeserializationConfig config,
                BeanDescription beanDesc, TypeDeserializer elementTypeDeserializer,
                JsonDeserializer<?> elementDeserializer) {
            String name = type.getRawClass().getName();
            if (name.equals(UNMODIFIABLE_COLLECTION)) { // Jackson rebuilds the others, not this one
                return new JsonSortedForms.WrapperDeserializer(config.getTypeFactory().constructCollectionType(
                        ArrayList.class, Object.class), c -> Collections.unmodifiableCollection((Collection<?>) c));
            }
            Function<Object, Object> wrap = SORTED_WRAPPERS.get(name);
            return wrap == null ? null : new JsonSortedForms.WrapperDeserializer(
                    config.getTypeFactory().constructCollectionType(TreeSet.class, Object.class), wrap);
        }

        @Override
        public JsonDeserializer<?> findMapDeserializer(MapType type, DeserializationConfig config,
                BeanDescription beanDesc, KeyDeserializer keyDeserializer, TypeDeserializer elementTypeDeserializer,
                JsonDeserializer<?> elementDeserializer) {
            Function<Object, Object> wrap = SORTED_WRAPPERS.get(type.getRawClass().getName());
            return wrap == null ? null : new JsonSortedForms.WrapperDeserializer(
                    config.getTypeFactory().constructMapType(TreeMap.class, Object.class, Object.class), wrap);
        }

        @Override
        public JsonDeserializer<?> findBeanDeserializer(JavaType type, DeserializationConfig config,
                BeanDescription beanDesc) {
            return ComparatorDeserializer.forName(type.getRawClass().getName());
        }

        @Override
        public JsonDeserializer<?> findEnumDeserializer(Class<?> type, DeserializationConfig config,
                BeanDescription beanDesc) {
            return ComparatorDeserializer.forName(type.getName());
        }
    }

    private static final class ComparatorSerializers extends Serializers.Base {
        @Override
        public JsonSerializer<?> findSerializer(SerializationConfig config, JavaType type, BeanDescription beanDesc) {
            return ComparatorDeserializer.forName(type.getRawClass().getName()) != null ? new ComparatorSerializer() : null;
        }
    }

    /** {@code {}}, or {@code {"reversed": <comparator>}} for the reverse of a comparator. */
    private static final class ComparatorSerializer extends JsonSerializer<Object> {
        @Override
        public void serialize(Object value, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            if (value.getClass().getName().equals(REVERSE_OF)) {
                g.writeFieldName(REVERSED);
                JsonSortedForms.writeTyped(((Comparator<?>) value).reversed(), g, provider);
            }
            g.writeEndObject();
        }

        @Override
        public void serializeWithType(Object value, JsonGenerator g, SerializerProvider provider, TypeSerializer typeSer)
                throws IOException {
            WritableTypeId id = typeSer.writeTypePrefix(g, typeSer.typeId(value, JsonToken.VALUE_EMBEDDED_OBJECT));
            serialize(value, g, provider);
            typeSer.writeTypeSuffix(g, id);
        }
    }

    /** Rebuilds the JDK comparators through their public factories, never reflectively. */
    private static final class ComparatorDeserializer extends JsonDeserializer<Object> {
        private final String className;

        private ComparatorDeserializer(String className) {
            this.className = className;
        }

        static ComparatorDeserializer forName(String className) {
            switch (className) {
                case CASE_INSENSITIVE:
                case REVERSE:
                case REVERSE_OF:
                case NATURAL:
                    return new ComparatorDeserializer(className);
                default:
                    return null;
            }
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartObjectToken()) {
                throw JsonMappingException.from(p, "a comparator is written as an object");
            }
            Comparator<Object> reversed = null;
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                p.nextToken();
                if (REVERSED.equals(field) && className.equals(REVERSE_OF)) {
                    reversed = JsonSortedForms.readComparator(p, ctxt);
                } else {
                    throw JsonMappingException.from(p, "unexpected field '" + field + "' of " + className);
                }
            }
            switch (className) {
                case CASE_INSENSITIVE:
                    return String.CASE_INSENSITIVE_ORDER;
                case REVERSE:
                    return Collections.reverseOrder();
                case NATURAL:
                    return Comparator.naturalOrder();
                default:
                    if (reversed == null) {
                        throw JsonMappingException.from(p, "a reversed comparator without the comparator it reverses");
                    }
                    return Collections.reverseOrder(reversed);
            }
        }
    }
}
