package io.redissessions.core.codec;

import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.type.TypeModifier;
import com.fasterxml.jackson.databind.type.TypeParser;
import com.fasterxml.jackson.databind.util.LookupCache;

import java.util.Objects;

/**
 * The JSON codec's last line of defence: every class Jackson looks up by name (type ids, the
 * parameters of generic type ids, {@code Class}-valued properties) comes through
 * {@link #findClass}, which refuses names outside the {@link TypeNamePolicy} before loading
 * anything and then loads through the webapp's class loader only, without initializing; unlike
 * Jackson's default it never falls back to the loader that loaded Jackson.
 */
final class JsonTypeFactory extends TypeFactory {
    private static final long serialVersionUID = 1L;

    private final transient TypeNamePolicy policy;
    private final transient ClassLoader loader;

    JsonTypeFactory(ClassLoader loader, TypeNamePolicy policy) {
        super(null, new TypeParser(TypeFactory.defaultInstance()), null, loader);
        this.loader = Objects.requireNonNull(loader, "loader");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public Class<?> findClass(String className) throws ClassNotFoundException {
        if (className.indexOf('.') < 0) {
            Class<?> primitive = _findPrimitive(className);
            if (primitive != null) {
                return primitive;
            }
        }
        if (!policy.allows(className)) {
            throw new ClassNotFoundException(className
                    + " is neither a built-in JSON value type nor in the allowedClasses setting");
        }
        return Class.forName(className, false, loader);
    }

    // The mutant factories would return a plain TypeFactory and lose the checks above: refuse.

    @Override
    public TypeFactory withModifier(TypeModifier mod) {
        throw new UnsupportedOperationException("the JSON codec's type factory is fixed");
    }

    @Override
    public TypeFactory withClassLoader(ClassLoader classLoader) {
        throw new UnsupportedOperationException("the JSON codec's type factory is fixed");
    }

    @Override
    public TypeFactory withCache(LookupCache<Object, com.fasterxml.jackson.databind.JavaType> cache) {
        throw new UnsupportedOperationException("the JSON codec's type factory is fixed");
    }

    @Override
    @Deprecated
    public TypeFactory withCache(com.fasterxml.jackson.databind.util.LRUMap<Object, com.fasterxml.jackson.databind.JavaType> cache) {
        throw new UnsupportedOperationException("the JSON codec's type factory is fixed");
    }
}
