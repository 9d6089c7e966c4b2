package io.redissessions.core.codec;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The views of {@code java.util} maps ({@code keySet()}, {@code values()}, {@code entrySet()}
 * and their entries), which the JDK does not serialize: both codecs store them as detached
 * copies of the same kind, so that a value holding one can be stored at all. A key set becomes a
 * {@link LinkedHashSet} in its iteration order, or a {@link TreeSet} with the same comparator
 * when it is sorted; a value collection an {@link ArrayList}; an entry set a LinkedHashSet of
 * {@link AbstractMap.SimpleImmutableEntry}; an entry a SimpleImmutableEntry. The copy no longer
 * writes through to its map, which a value read back from Redis could not do anyway.
 */
final class JdkViews {

    private static final Set<String> KEY_SETS = Set.of("java.util.HashMap$KeySet",
            "java.util.LinkedHashMap$LinkedKeySet", "java.util.TreeMap$KeySet");
    private static final Set<String> VALUES = Set.of("java.util.HashMap$Values",
            "java.util.LinkedHashMap$LinkedValues", "java.util.TreeMap$Values");
    private static final Set<String> ENTRY_SETS = Set.of("java.util.HashMap$EntrySet",
            "java.util.LinkedHashMap$LinkedEntrySet", "java.util.TreeMap$EntrySet");
    private static final Set<String> ENTRIES = Set.of("java.util.HashMap$Node", "java.util.HashMap$TreeNode",
            "java.util.LinkedHashMap$Entry", "java.util.TreeMap$Entry");

    private static final ClassValue<Kind> KINDS = new ClassValue<>() {
        @Override
        protected Kind computeValue(Class<?> type) {
            String name = type.getName();
            if (KEY_SETS.contains(name)) {
                return Kind.KEY_SET;
            }
            if (VALUES.contains(name)) {
                return Kind.VALUES;
            }
            if (ENTRY_SETS.contains(name)) {
                return Kind.ENTRY_SET;
            }
            return ENTRIES.contains(name) ? Kind.ENTRY : Kind.NONE;
        }
    };

    private enum Kind { NONE, KEY_SET, VALUES, ENTRY_SET, ENTRY }

    private JdkViews() {
    }

    /** Whether values of this class are map views that {@link #detachedCopy} replaces. */
    static boolean isView(Class<?> type) {
        return KINDS.get(type) != Kind.NONE;
    }

    /** The detached copy that stands for a map view, or the value itself when it is none. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object detachedCopy(Object value) {
        if (value == null) {
            return null;
        }
        switch (KINDS.get(value.getClass())) {
            case KEY_SET:
                return value instanceof SortedSet ? new TreeSet<>((SortedSet) value)
                        : new LinkedHashSet<>((Collection<?>) value);
            case VALUES:
                return new ArrayList<>((Collection<?>) value);
            case ENTRY_SET:
                Set<Object> entries = new LinkedHashSet<>();
                for (Object e : (Collection<?>) value) {
                    entries.add(new AbstractMap.SimpleImmutableEntry<>((Map.Entry) e));
                }
                return entries;
            case ENTRY:
                return new AbstractMap.SimpleImmutableEntry<>((Map.Entry) value);
            default:
                return value;
        }
    }
}
