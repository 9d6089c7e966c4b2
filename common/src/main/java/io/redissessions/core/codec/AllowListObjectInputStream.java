package io.redissessions.core.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * Reads a JDK serialization stream, judging every class descriptor by name against the
 * {@link TypeNamePolicy} before anything is loaded, then loading through the webapp's class
 * loader without initializing. Dynamic proxies are refused outright. Every object read is
 * counted by {@link DecodeWork} before a collection hashes it.
 */
final class AllowListObjectInputStream extends ObjectInputStream {

    private final ClassLoader loader;
    private final TypeNamePolicy policy;
    private final DecodeWork work = new DecodeWork();

    AllowListObjectInputStream(InputStream in, ClassLoader loader, TypeNamePolicy policy) throws IOException {
        super(in);
        this.loader = loader;
        this.policy = policy;
        enableResolveObject(true);
    }

    /** Called for each object once it is read, before it is handed to the object that holds it. */
    @Override
    protected Object resolveObject(Object obj) throws IOException {
        work.check(obj);
        return obj;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        String name = desc.getName();
        if (!policy.allows(name)) {
            throw new InvalidClassException(name,
                    "not allowed: neither a built-in value type nor in the allowedClasses setting");
        }
        return Class.forName(name, false, loader);
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
        throw new InvalidClassException("proxy for " + String.join(", ", interfaces),
                "dynamic proxies are never accepted");
    }
}
