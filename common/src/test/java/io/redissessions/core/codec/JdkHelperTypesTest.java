package io.redissessions.core.codec;

import io.redissessions.core.codec.fixtures.Item;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDK's own helpers that ordinary collections carry, one family per test, through both
 * codecs: comparators, the unmodifiable, synchronized, checked, empty and singleton wrappers of
 * {@code java.util.Collections}, {@code Arrays.asList} and {@code List.of}/{@code Map.of}, and
 * the views of maps. Each comes back equal, of the same kind (list, set, sorted set with the same
 * comparator, map, sorted map), and sorted the same way; JDK serialization also keeps its class.
 */
class JdkHelperTypesTest {

    private static final ClassLoader LOADER = JdkHelperTypesTest.class.getClassLoader();
    private static final ClassAllowList FIXTURES =
            ClassAllowList.parse("allowedClasses", "io.redissessions.core.codec.fixtures.*");

    private static Object roundTrip(String codecName, Object value) {
        ValueCodec codec = new ValueCodec(codecName, FIXTURES, 0, null);
        return codec.decode("attr", codec.encode("attr", value), LOADER);
    }

    private static Stream<Arguments> bothCodecs(Stream<Supplier<Object>> values) {
        List<Supplier<Object>> all = values.toList();
        return Stream.of("java", "json").flatMap(c -> all.stream().map(v -> Arguments.of(c, v.get())));
    }

    private static TreeMap<String, Object> caseInsensitive() {
        TreeMap<String, Object> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.put("Accept", new ArrayList<>(List.of("text/html")));
        m.put("content-type", new ArrayList<>(List.of("text/plain")));
        m.put("Host", new ArrayList<>(List.of("example.com")));
        return m;
    }

    private static <T> TreeSet<T> sorted(Comparator<? super T> order, List<T> elements) {
        TreeSet<T> s = new TreeSet<>(order);
        s.addAll(elements);
        return s;
    }

    private static <K, V> TreeMap<K, V> sortedMap(Comparator<? super K> order, Map<K, V> entries) {
        TreeMap<K, V> m = new TreeMap<>(order);
        m.putAll(entries);
        return m;
    }

    /** Equal, of the same kind, in the same order, sorted by an equal comparator. */
    private static void assertSameKindAndOrder(String codec, Object value, Object decoded) {
        if (value instanceof List || value instanceof Set || value instanceof Map) {
            assertThat(decoded).isEqualTo(value);
        } // else Collection and Queue wrappers compare by identity: their elements are compared below
        for (Class<?> kind : List.of(List.class, Set.class, SortedSet.class, Map.class, SortedMap.class, Queue.class)) {
            if (kind.isInstance(value)) {
                assertThat(decoded).as(kind.getSimpleName()).isInstanceOf(kind);
            }
        }
        if (value instanceof Collection && !(value instanceof Set && !(value instanceof SortedSet))) {
            assertThat(new ArrayList<Object>((Collection<?>) decoded)).containsExactlyElementsOf(new ArrayList<Object>((Collection<?>) value));
        }
        if (value instanceof SortedMap) {
            assertThat(new ArrayList<Object>(((SortedMap<?, ?>) decoded).keySet()))
                    .containsExactlyElementsOf(new ArrayList<Object>(((SortedMap<?, ?>) value).keySet()));
            assertThat(((SortedMap<?, ?>) decoded).comparator()).isEqualTo(((SortedMap<?, ?>) value).comparator());
        }
        if (value instanceof SortedSet) {
            assertThat(((SortedSet<?>) decoded).comparator()).isEqualTo(((SortedSet<?>) value).comparator());
        }
        if ("java".equals(codec)) {
            assertThat(decoded).hasSameClassAs(value);
        }
    }

    static Stream<Arguments> comparators() {
        return bothCodecs(Stream.of(
                JdkHelperTypesTest::caseInsensitive,
                () -> sorted(Comparator.reverseOrder(), List.of("a", "c", "b")),
                () -> sorted(Collections.reverseOrder(), List.of(3L, 1L, 2L)),
                () -> sorted(Collections.reverseOrder(String.CASE_INSENSITIVE_ORDER), List.of("b", "A", "c")),
                () -> sorted(Comparator.naturalOrder(), List.of("y", "x")),
                () -> new TreeMap<>(Map.of("k", 1L)),
                () -> sortedMap(Comparator.reverseOrder(), Map.of("a", 1, "b", 2))));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("comparators")
    void sortedCollectionsKeepTheirJdkComparator(String codec, Object value) {
        Object decoded = roundTrip(codec, value);
        assertSameKindAndOrder(codec, value, decoded);
        if (value == null || !(decoded instanceof TreeMap)) {
            return;
        }
        @SuppressWarnings("unchecked")
        TreeMap<String, Object> map = (TreeMap<String, Object>) decoded;
        if (map.comparator() == String.CASE_INSENSITIVE_ORDER) {
            assertThat(map.get("ACCEPT")).as("looked up case-insensitively").isEqualTo(List.of("text/html"));
        }
    }

    static Stream<Arguments> javaOnlyComparators() {
        return Stream.of(Arguments.of(sorted(Comparator.nullsFirst(Comparator.<String>naturalOrder()),
                        Arrays.asList("b", null, "a"))),
                Arguments.of(String.CASE_INSENSITIVE_ORDER), Arguments.of(Comparator.reverseOrder()),
                Arguments.of(Collections.reverseOrder(String.CASE_INSENSITIVE_ORDER)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javaOnlyComparators")
    void jdkSerializationStoresComparatorsThemselves(Object value) {
        Object decoded = roundTrip("java", value);
        assertThat(decoded).isEqualTo(value);
    }

    static Stream<Arguments> unmodifiable() {
        return bothCodecs(Stream.of(
                () -> Collections.unmodifiableCollection(new ArrayList<>(List.of(1L, "a"))),
                () -> Collections.unmodifiableList(new ArrayList<>(List.of("x", "y"))),
                () -> Collections.unmodifiableSet(new HashSet<>(Set.of("s"))),
                () -> Collections.unmodifiableSortedSet(sorted(Comparator.reverseOrder(), List.of("a", "b"))),
                () -> Collections.unmodifiableNavigableSet(new TreeSet<>(Set.of(3, 1, 2))),
                () -> Collections.unmodifiableMap(new HashMap<>(Map.of("k", "v"))),
                () -> Collections.unmodifiableSortedMap(caseInsensitive()),
                () -> Collections.unmodifiableNavigableMap(new TreeMap<>(Map.of("b", 2, "a", 1))),
                () -> List.of("a", "b", "c"), () -> Set.of(1, 2), () -> Map.of("a", 1, "b", 2),
                () -> Arrays.asList("p", "q")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("unmodifiable")
    void unmodifiableWrappersRoundTrip(String codec, Object value) {
        assertSameKindAndOrder(codec, value, roundTrip(codec, value));
    }

    static Stream<Arguments> synchronizedWrappers() {
        return bothCodecs(Stream.of(
                () -> Collections.synchronizedCollection(new ArrayList<>(List.of("c"))),
                () -> Collections.synchronizedList(new ArrayList<>(List.of("x", "y"))),
                () -> Collections.synchronizedList(new LinkedList<>(List.of("x", "y"))),
                () -> Collections.synchronizedSet(new HashSet<>(Set.of(1, 2))),
                () -> Collections.synchronizedSortedSet(new TreeSet<>(Set.of("b", "a"))),
                () -> Collections.synchronizedNavigableSet(sorted(Comparator.reverseOrder(), List.of(1, 2))),
                () -> Collections.synchronizedMap(new HashMap<>(Map.of("k", 1))),
                () -> Collections.synchronizedSortedMap(caseInsensitive()),
                () -> Collections.synchronizedNavigableMap(new TreeMap<>(Map.of("a", "b")))));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("synchronizedWrappers")
    void synchronizedWrappersRoundTrip(String codec, Object value) {
        assertSameKindAndOrder(codec, value, roundTrip(codec, value));
    }

    static Stream<Arguments> checkedWrappers() {
        return bothCodecs(Stream.of(
                () -> Collections.checkedCollection(new ArrayList<>(List.of("a")), String.class),
                () -> Collections.checkedList(new ArrayList<>(List.of("a", "b")), String.class),
                () -> Collections.checkedList(new LinkedList<>(List.of(1L)), Long.class),
                () -> Collections.checkedSet(new HashSet<>(Set.of("a")), String.class),
                () -> Collections.checkedSortedSet(new TreeSet<>(Set.of("b", "a")), String.class),
                () -> Collections.checkedNavigableSet(sorted(Comparator.reverseOrder(), List.of("b", "a")), String.class),
                () -> Collections.checkedQueue(new LinkedList<>(List.of("q")), String.class),
                () -> Collections.checkedMap(new HashMap<>(Map.of("k", 1L)), String.class, Long.class),
                () -> Collections.checkedSortedMap(sortedMap(String.CASE_INSENSITIVE_ORDER, Map.of("B", "b", "a", "A")),
                        String.class, String.class),
                () -> Collections.checkedNavigableMap(new TreeMap<>(Map.of("k", "v")), String.class, String.class),
                () -> Collections.checkedList(new ArrayList<>(List.of(new Item("pen", 1, BigDecimal.ONE))), Item.class)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("checkedWrappers")
    void checkedWrappersRoundTrip(String codec, Object value) {
        assertSameKindAndOrder(codec, value, roundTrip(codec, value));
    }

    static Stream<Arguments> emptyAndSingleton() {
        return bothCodecs(Stream.of(Collections::emptyList, Collections::emptySet, Collections::emptyMap,
                Collections::emptySortedSet, Collections::emptyNavigableSet, Collections::emptySortedMap,
                Collections::emptyNavigableMap, () -> Collections.singletonList("one"),
                () -> Collections.singleton(1L), () -> Collections.singletonMap("k", "v"),
                () -> Collections.newSetFromMap(new LinkedHashMap<>()),
                () -> { Set<String> s = Collections.newSetFromMap(new LinkedHashMap<>()); s.add("a"); return s; }));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("emptyAndSingleton")
    void emptyAndSingletonCollectionsRoundTrip(String codec, Object value) {
        assertSameKindAndOrder(codec, value, roundTrip(codec, value));
    }

    static Stream<Arguments> mapViews() {
        return bothCodecs(Stream.of(
                () -> new HashMap<>(Map.of("a", 1, "b", 2)).keySet(),
                () -> new LinkedHashMap<>(Map.of("a", 1)).keySet(),
                () -> caseInsensitive().keySet(),
                () -> caseInsensitive().descendingKeySet(),
                () -> new TreeMap<>(Map.of("a", 1, "b", 2)).values(),
                () -> new HashMap<>(Map.of("a", 1)).values(),
                () -> new LinkedHashMap<>(Map.of("a", "x")).values()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("mapViews")
    void mapViewsAreStoredAsDetachedCopiesOfTheSameKind(String codec, Object value) {
        Object decoded = roundTrip(codec, value);
        assertThat(decoded).isEqualTo(value instanceof Set ? value : decoded);
        assertThat(new ArrayList<Object>((Collection<?>) decoded)).containsExactlyElementsOf(new ArrayList<Object>((Collection<?>) value));
        assertThat(decoded instanceof Set).isEqualTo(value instanceof Set);
        if (value instanceof SortedSet) {
            assertThat(((SortedSet<?>) decoded).comparator()).isEqualTo(((SortedSet<?>) value).comparator());
        }
    }

    static Stream<Arguments> entries() {
        return Stream.of(Arguments.of(new HashMap<>(Map.of("a", 1L)).entrySet()),
                Arguments.of(new TreeMap<>(Map.of("a", "b", "c", "d")).entrySet()),
                Arguments.of(new HashMap<>(Map.of("k", "v")).entrySet().iterator().next()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void jdkSerializationStoresEntrySetsAndEntriesAsCopies(Object value) {
        assertThat(roundTrip("java", value)).isEqualTo(value);
    }

}
