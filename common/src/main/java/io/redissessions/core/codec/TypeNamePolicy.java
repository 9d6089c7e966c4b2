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
            "java.util.Collections$EmptyMap", "java.util.Arrays$ArrayList");

    /** Extra names for JSON: the runtime classes of List.of, Set.of and Map.of. */
    private static final Set<String> JSON_ONLY = Set.of(
            "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
            "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SetN",
            "java.util.ImmutableCollections$Map1", "java.util.ImmutableCollections$MapN");

    /**
     * Extra names for JDK serialization: serializable superclasses whose descriptors precede
     * their subclasses' in a stream, and the serial proxies that List.of/Map.of and java.time
     * values write themselves as.
     */
    private static final Set<String> JAVA_ONLY = Set.of(
            "java.lang.Number", "java.lang.Enum", "java.util.CollSer", "java.time.Ser");

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
