package io.redissessions.core.codec;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.TypeIdResolver;

import java.util.Collection;

/**
 * Default typing for every non-final declared type (so {@code Object}-typed values, collection
 * elements and map values carry their class), written as {@code ["class", value]} and resolved
 * through {@link JsonTypeIdResolver}.
 */
final class JsonTypeResolverBuilder extends ObjectMapper.DefaultTypeResolverBuilder {
    private static final long serialVersionUID = 1L;

    private final transient TypeNamePolicy policy;

    JsonTypeResolverBuilder(PolymorphicTypeValidator validator, TypeNamePolicy policy) {
        super(ObjectMapper.DefaultTyping.NON_FINAL, validator);
        this.policy = policy;
        init(JsonTypeInfo.Id.CLASS, null);
        inclusion(JsonTypeInfo.As.WRAPPER_ARRAY);
    }

    private JsonTypeResolverBuilder(JsonTypeResolverBuilder base, Class<?> defaultImpl) {
        super(base, defaultImpl);
        this.policy = base.policy;
    }

    @Override
    public ObjectMapper.DefaultTypeResolverBuilder withDefaultImpl(Class<?> defaultImpl) {
        return _defaultImpl == defaultImpl ? this : new JsonTypeResolverBuilder(this, defaultImpl);
    }

    @Override
    protected TypeIdResolver idResolver(MapperConfig<?> config, JavaType baseType,
            PolymorphicTypeValidator validator, Collection<NamedType> subtypes, boolean forSer, boolean forDeser) {
        return new JsonTypeIdResolver(baseType, config.getTypeFactory(), subtypes, validator, policy);
    }
}
