package io.redissessions.core.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.WritableTypeId;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sorted maps and sets with a comparator, which Jackson alone writes without it (so that a
 * {@code TreeMap} ordered by {@code String.CASE_INSENSITIVE_ORDER} came back case-sensitive).
 * Without a comparator they keep Jackson's form; with one, under the same type id:
 *
 * <pre>
 * sorted map:  [&lt;comparator&gt;, {entries}]                  instead of {entries}
 * sorted set:  {"comparator": &lt;comparator&gt;, "elements": [...]}  instead of [...]
 * </pre>
 *
 * The comparator is a typed value like any other (its type id judged by the allow-list); the
 * entries and elements are read first and sorted into the collection afterwards.
 */
final class JsonSortedForms {

    static final String COMPARATOR = "comparator";
    static final String ELEMENTS = "elements";

    private JsonSortedForms() {
    }

    static void writeTyped(Object value, JsonGenerator g, SerializerProvider provider) throws IOException {
        TypeSerializer typed = provider.findTypeSerializer(provider.constructType(Object.class));
        provider.findPrimaryPropertySerializer(value.getClass(), null).serializeWithType(value, g, provider, typed);
    }

    static Object readTyped(JsonParser p, DeserializationContext ctxt) throws IOException {
        JavaType object = ctxt.constructType(Object.class);
        TypeDeserializer typed = ctxt.getFactory().findTypeDeserializer(ctxt.getConfig(), object);
        return ctxt.findContextualValueDeserializer(object, null).deserializeWithType(p, ctxt, typed);
    }

    static Comparator<Object> readComparator(JsonParser p, DeserializationContext ctxt) throws IOException {
        Object c = readTyped(p, ctxt);
        if (!(c instanceof Comparator)) {
            throw JsonMappingException.from(p, "a sorted collection's comparator is a "
                    + (c == null ? "null" : c.getClass().getName()));
        }
        @SuppressWarnings("unchecked")
        Comparator<Object> comparator = (Comparator<Object>) c;
        return comparator;
    }

    /** Writes a sorted map or set with a comparator in the forms above, else as Jackson does. */
    static final class Serializer extends JsonSerializer<Object> implements ContextualSerializer {
        private final JsonSerializer<Object> standard;

        @SuppressWarnings("unchecked")
        Serializer(JsonSerializer<?> standard) {
            this.standard = (JsonSerializer<Object>) standard;
        }

        private static Comparator<?> comparatorOf(Object value) {
            return value instanceof SortedMap ? ((SortedMap<?, ?>) value).comparator()
                    : value instanceof SortedSet ? ((SortedSet<?>) value).comparator() : null;
        }

        @Override
        public JsonSerializer<?> createContextual(SerializerProvider prov, BeanProperty property)
                throws JsonMappingException {
            return new Serializer(prov.handleSecondaryContextualization(standard, property));
        }

        @Override
        public boolean isEmpty(SerializerProvider provider, Object value) {
            return standard.isEmpty(provider, value);
        }

        @Override
        public void serialize(Object value, JsonGenerator g, SerializerProvider provider) throws IOException {
            Comparator<?> comparator = comparatorOf(value);
            if (comparator == null) {
                standard.serialize(value, g, provider);
            } else if (value instanceof Map) {
                g.writeStartArray();
                writeTyped(comparator, g, provider);
                standard.serialize(value, g, provider);
                g.writeEndArray();
            } else {
                g.writeStartObject();
                g.writeFieldName(COMPARATOR);
                writeTyped(comparator, g, provider);
                g.writeFieldName(ELEMENTS);
                standard.serialize(value, g, provider);
                g.writeEndObject();
            }
        }

        @Override
        public void serializeWithType(Object value, JsonGenerator g, SerializerProvider provider,
                TypeSerializer typeSer) throws IOException {
            if (comparatorOf(value) == null) {
                standard.serializeWithType(value, g, provider, typeSer);
                return;
            }
            // the type id wraps the value as a scalar would be wrapped: ["id", <value>]
            WritableTypeId id = typeSer.writeTypePrefix(g, typeSer.typeId(value, JsonToken.VALUE_EMBEDDED_OBJECT));
            serialize(value, g, provider);
            typeSer.writeTypeSuffix(g, id);
        }
    }

    /** Reads a TreeMap in either form. */
    static final class TreeMapDeserializer extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        TreeMapDeserializer(JsonDeserializer<?> standard) {
            super(standard);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new TreeMapDeserializer(newDelegatee);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartArrayToken()) {
                return _delegatee.deserialize(p, ctxt);
            }
            p.nextToken();
            Comparator<Object> comparator = readComparator(p, ctxt);
            p.nextToken();
            Map<?, ?> entries = (Map<?, ?>) _delegatee.deserialize(p, ctxt);
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw JsonMappingException.from(p, "a sorted map: expected [comparator, {entries}]");
            }
            TreeMap<Object, Object> map = new TreeMap<>(comparator);
            map.putAll(entries);
            return map;
        }
    }

    /** Reads a TreeSet in either form. */
    static final class TreeSetDeserializer extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        TreeSetDeserializer(JsonDeserializer<?> standard) {
            super(standard);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new TreeSetDeserializer(newDelegatee);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartObjectToken()) {
                return _delegatee.deserialize(p, ctxt);
            }
            Comparator<Object> comparator = null;
            List<Object> elements = null;
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                p.nextToken();
                if (COMPARATOR.equals(field)) {
                    comparator = readComparator(p, ctxt);
                } else if (ELEMENTS.equals(field)) {
                    elements = readElements(p, ctxt);
                } else {
                    throw JsonMappingException.from(p, "a sorted set: unexpected field '" + field + "'");
                }
            }
            if (comparator == null || elements == null) {
                throw JsonMappingException.from(p, "a sorted set: expected {comparator, elements}");
            }
            TreeSet<Object> set = new TreeSet<>(comparator);
            set.addAll(elements);
            return set;
        }

        private static List<Object> readElements(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartArrayToken()) {
                throw JsonMappingException.from(p, "a sorted set's elements are an array");
            }
            List<Object> elements = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                elements.add(p.currentToken() == JsonToken.VALUE_NULL ? null : readTyped(p, ctxt));
            }
            return elements;
        }
    }

    /** Reads a TreeMap or TreeSet in either form and wraps it the way the value was wrapped. */
    static final class WrapperDeserializer extends JsonDeserializer<Object> {
        private final JavaType content;
        private final java.util.function.Function<Object, Object> wrap;

        WrapperDeserializer(JavaType content, java.util.function.Function<Object, Object> wrap) {
            this.content = content;
            this.wrap = wrap;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Object sorted = ctxt.findContextualValueDeserializer(content, null).deserialize(p, ctxt);
            return wrap.apply(sorted);
        }
    }
}
