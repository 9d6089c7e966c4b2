package io.redissessions.core.codec;

import java.io.InvalidObjectException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds the work that hashing and comparing a JDK-deserialized value can cost. A stream can
 * share one object many times (a back reference costs 5 bytes), so a value of a few KB can be a
 * graph that {@code hashCode} and {@code equals} walk as a tree of billions of nodes: a
 * {@code HashSet} calls {@code hashCode} on each element while it is being read, and nested sets
 * or lists shared many times pin the reading thread for seconds or for ever, within every limit of
 * the stream filter.
 *
 * <p>{@link #check} is called for each object of the stream once it is complete, before the
 * collection it belongs to hashes it: it counts the object's <em>unfolded size</em> (1, plus the
 * unfolded sizes of the elements, keys and values of a collection, map or array, or of the fields
 * of an application class), with every shared reference counted each time it is reached, and
 * refuses the value when that passes {@link #MAX_UNFOLDED_OBJECTS}. Each object is counted once
 * from its parts' counts, so the check itself costs time in proportion to the stream. One
 * instance per stream; not thread-safe.
 */
final class DecodeWork {

    /** Most objects a value may unfold to, shared references counted each time: the reference limit. */
    static final long MAX_UNFOLDED_OBJECTS = JavaCodec.MAX_REFERENCES;

    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != null && !isJdk(c); c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                        try {
                            f.setAccessible(true);
                            fields.add(f);
                        } catch (RuntimeException e) {
                            // a class of a named module that does not open it: its fields are not counted
                        }
                    }
                }
            }
            return List.copyOf(fields);
        }
    };

    private final Map<Object, Long> unfolded = new IdentityHashMap<>();

    /**
     * Counts a complete object of the stream.
     *
     * @throws InvalidObjectException when its unfolded size is over the limit
     */
    void check(Object obj) throws InvalidObjectException {
        if (obj == null) {
            return;
        }
        long size = 1;
        if (obj instanceof Collection<?> c) {
            for (Object e : c) {
                size = plus(size, e);
            }
        } else if (obj instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                size = plus(plus(size, e.getKey()), e.getValue());
            }
        } else if (obj instanceof Map.Entry<?, ?> e) {
            size = plus(plus(size, e.getKey()), e.getValue());
        } else if (obj instanceof Object[] a) {
            for (Object e : a) {
                size = plus(size, e);
            }
        } else if (!isJdk(obj.getClass())) {
            for (Field f : FIELDS.get(obj.getClass())) {
                try {
                    size = plus(size, f.get(obj));
                } catch (IllegalAccessException e) {
                    // not counted
                }
            }
        }
        if (size > MAX_UNFOLDED_OBJECTS) {
            throw new InvalidObjectException("over the decode work limit: a " + obj.getClass().getName()
                    + " that unfolds to more than " + MAX_UNFOLDED_OBJECTS + " objects when its shared references"
                    + " are counted each time they are reached (hashing or comparing it would pin the thread)");
        }
        unfolded.put(obj, size);
    }

    /** {@code size} plus the unfolded size of {@code part} (1 for one not counted: a cycle, a value type). */
    private long plus(long size, Object part) {
        if (part == null) {
            return size;
        }
        Long s = unfolded.get(part);
        return Math.min(Long.MAX_VALUE / 2, size + (s == null ? 1 : s));
    }

    private static boolean isJdk(Class<?> c) {
        String name = c.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.");
    }
}
