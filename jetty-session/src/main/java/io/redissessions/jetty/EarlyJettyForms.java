package io.redissessions.jetty;

import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.util.Fields;

import java.lang.reflect.Constructor;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The saved POST parameters of the FORM authenticator of Jetty 12.0.0 to 12.0.14, which keeps them
 * as a completed {@link FormFields} (its own {@code CompletableFuture<Fields>}) and hands them back
 * to the request only as one: a plain completed future is ignored there. {@code FormFields} has no
 * public constructor, so one is made through its private one (its parameters differ between
 * versions) and completed with the fields, never parsed. Where that is refused (Jetty on the module
 * path), a plain completed future is returned: the parameters are then not handed back, as if the
 * POST had had none.
 */
final class EarlyJettyForms {

    private EarlyJettyForms() {
    }

    static CompletableFuture<Fields> completed(Fields fields) {
        try {
            for (Constructor<?> c : FormFields.class.getDeclaredConstructors()) {
                Object[] args = arguments(c.getParameterTypes());
                if (args != null) {
                    c.setAccessible(true);
                    @SuppressWarnings("unchecked")
                    CompletableFuture<Fields> future = (CompletableFuture<Fields>) c.newInstance(args);
                    future.complete(fields);
                    return future;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not this Jetty's FormFields: a plain future, which it ignores
        }
        return CompletableFuture.completedFuture(fields);
    }

    /** (Content.Source, [InvocationType,] Charset, int maxFields, int maxLength); null for another shape. */
    private static Object[] arguments(Class<?>[] types) {
        if (types.length == 0 || !types[0].isAssignableFrom(ByteBufferContentSource.class)) {
            return null;
        }
        Object[] args = new Object[types.length];
        args[0] = new ByteBufferContentSource();
        for (int i = 1; i < types.length; i++) {
            if (types[i] == Charset.class) {
                args[i] = StandardCharsets.UTF_8;
            } else if (types[i] == int.class) {
                args[i] = -1;
            } else if (types[i].isEnum() && types[i].getEnumConstants().length > 0) {
                args[i] = types[i].getEnumConstants()[0];
            } else {
                return null;
            }
        }
        return args;
    }
}
