package io.redissessions.core.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.impl.ClassNameIdResolver;
import com.fasterxml.jackson.databind.type.TypeFactory;

import java.io.IOException;
import java.util.Collection;

/**
 * Class-name type ids, checked both ways against the {@link TypeNamePolicy}.
 *
 * <p>Reading, a type id with generic parameters ({@code java.util.ArrayList<com.evil.Gadget>})
 * is refused outright: Jackson would validate only the raw name and then load the parameter
 * classes. Other ids are judged by name before Jackson resolves them. Writing, a value whose
 * type id would be refused on reading fails at once, so that the application learns about it
 * in {@code setAttribute} and not when the session is next read.
 */
final class JsonTypeIdResolver extends ClassNameIdResolver {
    private static final long serialVersionUID = 1L;

    private final transient TypeNamePolicy policy;

    JsonTypeIdResolver(JavaType baseType, TypeFactory typeFactory, Collection<NamedType> subtypes,
            PolymorphicTypeValidator validator, TypeNamePolicy policy) {
        super(baseType, typeFactory, subtypes, validator);
        this.policy = policy;
    }

    @Override
    public String idFromValue(Object value) {
        return checked(super.idFromValue(value), value.getClass());
    }

    @Override
    public String idFromValueAndType(Object value, Class<?> type) {
        return checked(super.idFromValueAndType(value, type), type);
    }

    @Override
    public JavaType typeFromId(DatabindContext context, String id) throws IOException {
        if (id.indexOf('<') >= 0) {
            throw refused(context, id, "type ids with generic parameters are never accepted");
        }
        if (!policy.allows(id)) {
            throw refused(context, id, "class is neither a built-in JSON value type nor in the allowedClasses setting");
        }
        return super.typeFromId(context, id);
    }

    private InvalidTypeIdException refused(DatabindContext context, String id, String reason) {
        JsonParser parser = context instanceof DeserializationContext
                ? ((DeserializationContext) context).getParser() : null;
        return InvalidTypeIdException.from(parser, "Refused type id '" + id + "': " + reason, _baseType, id);
    }

    private String checked(String id, Class<?> valueClass) {
        if (!policy.allows(id)) {
            throw new NotAllowedTypeException(id, valueClass);
        }
        return id;
    }

    /** A value to be written needs a type id that the reading side would refuse. */
    static final class NotAllowedTypeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String typeId;
        private final String valueClassName;

        NotAllowedTypeException(String typeId, Class<?> valueClass) {
            super("type id " + typeId + " (for a " + valueClass.getName() + ") is not allowed", null, false, false);
            this.typeId = typeId;
            this.valueClassName = valueClass.getName();
        }

        String typeId() {
            return typeId;
        }

        String valueClassName() {
            return valueClassName;
        }
    }
}
