package io.redissessions.core.codec;

import java.util.Objects;
import java.util.Set;

/**
 * Decides by name alone, before anything is loaded, whether a class may be decoded: the
 * {@code allowedClasses} setting plus a fixed set of JDK value types that a codec admits by
 * itself. Array names ({@code [Lcom.acme.Item;}) are judged by their element class and
 * primitive arrays are always admitted. Names with generic parameters ({@code <}) never are.
 */
final class TypeNamePolicy {

    /** JDK value types that both codecs admit: plain values and the common mutable collections. */
    private static final Set<String> COMMON = Set.of(
            "java.lang.String", "java.lang.Boolean", "java.lang.Character", "java.lang.Byte",
            "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
            "java.lang.Double", "java.math.BigDecimal", "java.math.BigInteger",
            "java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap",
            "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.HashSet",
            "java.util.LinkedHashSet", "java.util.TreeSet",
            "java.util.Date", "java.util.UUID", "java.util.Locale",
            "java.time.Instant", "java.time.LocalDate", "java.time.LocalTime",
            "java.time.LocalDateTime", "java.time.OffsetDateTime", "java.time.OffsetTime",
            "java.time.ZonedDateTime", "java.time.Duration", "java.time.Period", "java.time.Year",
            "java.time.YearMonth", "java.time.MonthDay", "java.time.ZoneOffset",
            "java.time.DayOfWeek", "java.time.Month",
            // The unmodifiable views and constants of java.util.Collections and Arrays.asList:
            "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableList",
            "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$UnmodifiableSet",
            "java.util.Collections$UnmodifiableMap", "java.util.Collections$SingletonList",
            "java.util.Collections$SingletonSet", "java.util.Collections$SingletonMap",
            "java.util.Collections$EmptyList", "java.util.Collections$EmptySet",
            "java.util.Collections$EmptyMap", "java.util.Arrays$ArrayList",
            // The synchronized wrappers, which both codecs rebuild as such:
            "java.util.Collections$SynchronizedCollection", "java.util.Collections$SynchronizedList",
            "java.util.Collections$SynchronizedRandomAccessList", "java.util.Collections$SynchronizedSet",
            "java.util.Collections$SynchronizedMap",
            // JDK comparators and sorted wrappers (JSON: JsonJdkHelpers; JDK serialization: see JDK_HELPERS)
            "java.lang.String$CaseInsensitiveComparator", "java.util.Collections$ReverseComparator",
            "java.util.Collections$ReverseComparator2", "java.util.Comparators$NaturalOrderComparator",
            "java.util.Collections$UnmodifiableSortedSet", "java.util.Collections$UnmodifiableNavigableSet",
            "java.util.Collections$UnmodifiableNavigableSet$EmptyNavigableSet",
            "java.util.Collections$UnmodifiableSortedMap", "java.util.Collections$UnmodifiableNavigableMap",
            "java.util.Collections$UnmodifiableNavigableMap$EmptyNavigableMap",
            "java.util.Collections$SynchronizedSortedSet", "java.util.Collections$SynchronizedNavigableSet",
            "java.util.Collections$SynchronizedSortedMap", "java.util.Collections$SynchronizedNavigableMap");

    /**
     * The JDK's comparators and the wrappers of {@code java.util.Collections}, as JDK
     * serialization writes them. Each was checked against the JDK's source to hold only what its
     * name says: no readObject that does more than check or restore its own fields, no
     * {@code compare}, {@code hashCode} or {@code equals} that reaches beyond the objects it holds
     * (which the stream holds too, so that every one of them is judged by name like the rest).
     * A wrapper around a forbidden class is still refused: the class inside has its own
     * descriptor in the stream. A cycle (a wrapper that holds itself, which no JDK method makes)
     * fails in hashCode with a StackOverflowError, which the codec reports as undecodable, as it
     * does for a list that holds itself. Left out on purpose: {@code Collections.nCopies} (n
     * copies of one object from a few bytes: a multiplier for equals), PriorityQueue (calls the
     * comparator while decoding), and lambdas ({@code Comparator.comparing}, serial lambdas run
     * their capturing class's code to decode).
     */
    private static final Set<String> JDK_HELPERS = Set.of(
            // Comparators: stateless singletons, and those that wrap another comparator
            "java.lang.String$CaseInsensitiveComparator", "java.util.Collections$ReverseComparator",
            "java.util.Collections$ReverseComparator2", "java.util.Comparators$NaturalOrderComparator",
            "java.util.Comparators$NullComparator",
            // Unmodifiable views beyond those in COMMON (Sequenced* exist from Java 21 on)
            "java.util.Collections$UnmodifiableSortedSet", "java.util.Collections$UnmodifiableNavigableSet",
            "java.util.Collections$UnmodifiableNavigableSet$EmptyNavigableSet",
            "java.util.Collections$UnmodifiableSortedMap", "java.util.Collections$UnmodifiableNavigableMap",
            "java.util.Collections$UnmodifiableNavigableMap$EmptyNavigableMap",
            "java.util.Collections$UnmodifiableSequencedCollection", "java.util.Collections$UnmodifiableSequencedSet",
            "java.util.Collections$UnmodifiableSequencedMap",
            // Synchronized wrappers beyond those in COMMON
            "java.util.Collections$SynchronizedSortedSet", "java.util.Collections$SynchronizedNavigableSet",
            "java.util.Collections$SynchronizedSortedMap", "java.util.Collections$SynchronizedNavigableMap",
            // Checked wrappers: their element type is a Class, judged by name like any other
            "java.util.Collections$CheckedCollection", "java.util.Collections$CheckedQueue",
            "java.util.Collections$CheckedSet", "java.util.Collections$CheckedSortedSet",
            "java.util.Collections$CheckedNavigableSet", "java.util.Collections$CheckedList",
            "java.util.Collections$CheckedRandomAccessList", "java.util.Collections$CheckedMap",
            "java.util.Collections$CheckedSortedMap", "java.util.Collections$CheckedNavigableMap",
            // Collections.newSetFromMap, asLifoQueue; what map views are stored as (JdkViews)
            "java.util.Collections$SetFromMap", "java.util.Collections$SequencedSetFromMap",
            "java.util.Collections$AsLIFOQueue", "java.util.AbstractMap$SimpleImmutableEntry",
            "java.util.AbstractMap$SimpleEntry");

    /** Extra names for JSON: the runtime classes of List.of, Set.of and Map.of. */
    private static final Set<String> JSON_ONLY = Set.of(
            "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
            "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SetN",
            "java.util.ImmutableCollections$Map1", "java.util.ImmutableCollections$MapN");

    /**
     * Extra names for JDK serialization: serializable superclasses whose descriptors precede
     * their subclasses' in a stream, the serial proxies that List.of/Map.of and java.time
     * values write themselves as, and the JDK's own helpers that ordinary collections carry (see
     * {@link #JDK_HELPERS}).
     */
    private static final Set<String> JAVA_ONLY = union(Set.of(
            "java.lang.Number", "java.lang.Enum", "java.util.CollSer", "java.time.Ser"), JDK_HELPERS);

    /** Admitted only as an array element type: {@code Object[]} holds nothing by itself. */
    private static final String OBJECT = "java.lang.Object";

    private final ClassAllowList allowList;
    private final Set<String> builtIn;

    private TypeNamePolicy(ClassAllowList allowList, Set<String> extra) {
        this.allowList = Objects.requireNonNull(allowList, "allowList");
        this.builtIn = union(COMMON, extra);
    }

    static TypeNamePolicy forJson(ClassAllowList allowList) {
        return new TypeNamePolicy(allowList, JSON_ONLY);
    }

    static TypeNamePolicy forJava(ClassAllowList allowList) {
        return new TypeNamePolicy(allowList, JAVA_ONLY);
    }

    /** Whether the class with this binary name ({@link Class#getName()} form) may be decoded. */
    boolean allows(String className) {
        if (className == null || className.isEmpty() || className.indexOf('<') >= 0) {
            return false;
        }
        if (className.charAt(0) != '[') {
            return builtIn.contains(className) || allowList.allows(className);
        }
        int dims = 0;
        while (dims < className.length() && className.charAt(dims) == '[') {
            dims++;
        }
        String element = className.substring(dims);
        if (element.length() == 1) {
            return "ZBCSIJFD".contains(element);
        }
        if (element.length() < 3 || element.charAt(0) != 'L' || !element.endsWith(";")) {
            return false;
        }
        String elementName = element.substring(1, element.length() - 1);
        return elementName.indexOf('[') < 0
                && (OBJECT.equals(elementName) || allows(elementName));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
