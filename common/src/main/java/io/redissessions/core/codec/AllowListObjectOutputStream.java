package io.redissessions.core.codec;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;

/**
 * Writes a JDK serialization stream, refusing every class that {@link AllowListObjectInputStream}
 * would refuse on reading, so that the application learns about it in {@code setAttribute}.
 * Map views, which the JDK cannot serialize, are written as detached copies ({@link JdkViews}).
 * It also counts the objects that are not {@link DecodeProof#isScalar scalars}: a value with
 * one such object at most is flat (see {@link DecodeProof}).
 */
final class AllowListObjectOutputStream extends ObjectOutputStream {

    private final TypeNamePolicy policy;
    private int compositeObjects;

    AllowListObjectOutputStream(OutputStream out, TypeNamePolicy policy) throws IOException {
        super(out);
        this.policy = policy;
        enableReplaceObject(true);
    }

    /** Called once for each object written, after its own writeReplace; never for Class objects. */
    @Override
    protected Object replaceObject(Object obj) {
        Object replaced = JdkViews.detachedCopy(obj);
        if (replaced != null && !DecodeProof.isScalar(replaced.getClass())) {
            compositeObjects++;
        }
        return replaced;
    }

    /** Whether the stream written holds one object besides scalars at most. */
    boolean wroteFlatValue() {
        return compositeObjects <= 1;
    }

    @Override
    protected void annotateClass(Class<?> cl) throws IOException {
        if (!policy.allows(cl.getName()) && !writingFatalException()) {
            throw new NotAllowedClassException(cl.getName());
        }
    }

    /**
     * When writing fails, ObjectOutputStream writes the exception into the stream before
     * rethrowing it; refusing the classes of that exception's graph would hide the real error (which class is
     * not Serializable, say) behind our own. The stream is discarded either way.
     */
    private static boolean writingFatalException() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getClassName().equals(ObjectOutputStream.class.getName())
                        && f.getMethodName().equals("writeFatalException")));
    }

    @Override
    protected void annotateProxyClass(Class<?> cl) throws IOException {
        throw new NotAllowedClassException(cl.getName());
    }

    /** A class in the value's graph would be refused on reading. */
    static final class NotAllowedClassException extends InvalidClassException {
        private static final long serialVersionUID = 1L;

        NotAllowedClassException(String className) {
            super(className, "not allowed");
        }
    }
}
