package io.redissessions.core.codec;

import io.redissessions.core.codec.fixtures.Cart;
import io.redissessions.core.codec.fixtures.Color;
import io.redissessions.core.codec.fixtures.Item;
import io.redissessions.core.codec.fixtures.Point;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonCodecTest {

    private static final ClassLoader LOADER = JsonCodecTest.class.getClassLoader();
    private final JsonCodec codec = new JsonCodec(
            ClassAllowList.parse("allowedClasses", "io.redissessions.core.codec.fixtures.*"));

    private Object roundTrip(Object value) {
        return codec.decode("attr", codec.encode("attr", value), LOADER);
    }

    private Object decodeJson(String json) {
        return codec.decode("attr", json.getBytes(StandardCharsets.UTF_8), LOADER);
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object value) {
        return (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    static Map<Object, Object> asMap(Object value) {
        return (Map<Object, Object>) value;
    }

    static Stream<Object> scalars() {
        return Stream.of("text", "", true, 42, 42L, Long.MAX_VALUE, 4.5d, 4.5f, (short) 3, (byte) 7, 'c',
                new BigDecimal("12.340"), new BigInteger("123456789012345678901234567890"),
                Double.NaN, Double.NEGATIVE_INFINITY);
    }

    @ParameterizedTest
    @MethodSource("scalars")
    void scalarsRoundTripWithTheirExactJavaType(Object value) {
        Object decoded = roundTrip(value);
        assertThat(decoded).isEqualTo(value);
        assertThat(decoded).hasSameClassAs(value);
    }

    @Test
    void mapKeysAreWrittenInSortedOrderWhateverTheMapsIterationOrder() {
        Map<String, Integer> map = new HashMap<>();
        map.put("zeta", 1);
        map.put("alpha", 2);
        map.put("mid", 3);
        assertThat(map.keySet()).as("precondition: HashMap order is not sorted").containsExactly("zeta", "alpha", "mid");
        String json = new String(codec.encode("attr", map), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("[\"java.util.HashMap\",{\"alpha\":2,\"mid\":3,\"zeta\":1}]");
        assertThat(roundTrip(map)).isEqualTo(map);
    }

    @Test
    void mapWithKeysThatCannotBeComparedIsStillWritten() {
        Map<Object, String> mixed = new HashMap<>();
        mixed.put(1, "one");
        mixed.put("two", "two");
        mixed.put(new Point(1, 2), "point");
        @SuppressWarnings("unchecked")
        Map<Object, Object> back = (Map<Object, Object>) roundTrip(mixed);
        assertThat(back).hasSize(3).containsEntry("1", "one").containsEntry("two", "two");
    }

    @Test
    void nullRoundTrips() {
        assertThat(roundTrip(null)).isNull();
    }

    @Test
    void longStaysLongAndIntegerStaysIntegerInsideCollections() {
        List<Object> list = new ArrayList<>(List.of(1, 2L, 3.0, 4.0f, "5"));
        Map<String, Object> map = new HashMap<>(Map.of("int", 7, "long", 7L, "big", BigDecimal.ONE));

        List<Object> decodedList = asList(roundTrip(list));
        Map<Object, Object> decodedMap = asMap(roundTrip(map));

        assertThat(decodedList).containsExactly(1, 2L, 3.0, 4.0f, "5");
        assertThat(decodedList).extracting(Object::getClass)
                .containsExactly(Integer.class, Long.class, Double.class, Float.class, String.class);
        assertThat(decodedMap.get("int")).isExactlyInstanceOf(Integer.class);
        assertThat(decodedMap.get("long")).isExactlyInstanceOf(Long.class);
        assertThat(decodedMap.get("big")).isExactlyInstanceOf(BigDecimal.class);
    }

    @Test
    void primitiveAndObjectArraysRoundTripAsArraysOfTheSameType() {
        assertThat((int[]) roundTrip(new int[] {1, 2, 3})).containsExactly(1, 2, 3);
        assertThat((long[]) roundTrip(new long[] {1L, Long.MIN_VALUE})).containsExactly(1L, Long.MIN_VALUE);
        assertThat((byte[]) roundTrip(new byte[] {0, -1, 127})).containsExactly(0, -1, 127);
        assertThat((double[]) roundTrip(new double[] {0.5})).containsExactly(0.5);
        assertThat((boolean[]) roundTrip(new boolean[] {true, false})).containsExactly(true, false);
        assertThat((char[]) roundTrip(new char[] {'a', 'b'})).containsExactly('a', 'b');
        assertThat((String[]) roundTrip(new String[] {"a", null})).containsExactly("a", null);
        assertThat((Object[]) roundTrip(new Object[] {1, 2L, "x"})).containsExactly(1, 2L, "x");
        Item[] items = {new Item("pen", 2, BigDecimal.TEN)};
        assertThat(roundTrip(items)).isInstanceOf(Item[].class).isEqualTo(items);
    }

    static Stream<Object> mutableCollections() {
        return Stream.of(new ArrayList<>(List.of(1, "a")), new LinkedList<>(List.of(1L, "b")),
                new HashMap<>(Map.of("a", 1, "b", 2L)), new LinkedHashMap<>(Map.of("z", "last")),
                new TreeMap<>(Map.of("b", 2, "a", 1)), new HashSet<>(Set.of("x", "y")),
                new LinkedHashSet<>(List.of(3, 1, 2)), new TreeSet<>(Set.of("q", "p")));
    }

    @ParameterizedTest
    @MethodSource("mutableCollections")
    void mutableCollectionsRoundTripWithTheirClass(Object value) {
        Object decoded = roundTrip(value);
        assertThat(decoded).isEqualTo(value).hasSameClassAs(value);
    }

    static Stream<Object> unmodifiableCollections() {
        return Stream.of(List.of(), List.of(1), List.of(1, 2L, "three"), Set.of("s"), Set.of(1, 2, 3),
                Map.of("k", 1L), Map.of("a", 1, "b", 2, "c", 3), Collections.emptyList(),
                Collections.emptySet(), Collections.emptyMap(), Collections.singletonList(5L),
                Collections.singleton("one"), Collections.singletonMap("k", "v"),
                Collections.unmodifiableList(new ArrayList<>(List.of(1, 2))),
                Collections.unmodifiableList(new LinkedList<>(List.of(1, 2))),
                Collections.unmodifiableSet(new HashSet<>(Set.of(1))),
                Collections.unmodifiableMap(new HashMap<>(Map.of("m", 1))), Arrays.asList("a", "b"));
    }

    @ParameterizedTest
    @MethodSource("unmodifiableCollections")
    void unmodifiableCollectionsRoundTripWithEqualContent(Object value) {
        assertThat(roundTrip(value)).isEqualTo(value);
    }

    static Stream<Object> jdkValueTypes() {
        return Stream.of(new Date(1_700_000_000_123L), UUID.randomUUID(), Locale.CANADA_FRENCH,
                Locale.forLanguageTag("de-CH"), Instant.ofEpochSecond(1_700_000_000L, 123_456_789),
                LocalDate.of(2024, 2, 29), LocalTime.of(23, 59, 1), LocalDateTime.of(2024, 1, 2, 3, 4),
                OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6, ZoneOffset.ofHours(2)),
                OffsetTime.of(1, 2, 3, 0, ZoneOffset.UTC),
                ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Zurich")),
                Duration.ofMillis(1500), Period.of(1, 2, 3), Year.of(2024), YearMonth.of(2024, 5),
                MonthDay.of(12, 24), ZoneOffset.ofHoursMinutes(-3, -30), java.time.DayOfWeek.FRIDAY,
                java.time.Month.MAY);
    }

    @ParameterizedTest
    @MethodSource("jdkValueTypes")
    void jdkValueTypesRoundTripWithTheirClass(Object value) {
        Object decoded = roundTrip(value);
        assertThat(decoded).isEqualTo(value).hasSameClassAs(value);
    }

    @Test
    void allowListedBeanRecordAndEnumRoundTrip() {
        Item item = new Item("pen", 3, new BigDecimal("1.50"));
        assertThat(roundTrip(item)).isExactlyInstanceOf(Item.class).isEqualTo(item);
        assertThat(roundTrip(new Point(1, -2))).isEqualTo(new Point(1, -2));
        assertThat(roundTrip(Color.RED)).isSameAs(Color.RED);
        assertThat(roundTrip(Color.BLUE)).isSameAs(Color.BLUE);
    }

    @Test
    void listOfBeansComesBackAsListOfBeans() {
        List<Item> items = new ArrayList<>(List.of(new Item("a", 1, BigDecimal.ONE), new Item("b", 2, null)));

        Object decoded = roundTrip(items);

        assertThat(decoded).isExactlyInstanceOf(ArrayList.class).isEqualTo(items);
        assertThat((List<?>) decoded).allSatisfy(e -> assertThat(e).isExactlyInstanceOf(Item.class));
    }

    @Test
    void nestedBeansRecordsEnumsAndUntypedMapValuesKeepTheirTypes() {
        Cart cart = new Cart();
        cart.setOwner("ann");
        cart.getItems().add(new Item("a", 1, BigDecimal.ONE));
        cart.setLocation(new Point(4, 5));
        cart.setColor(Color.BLUE);
        cart.getExtras().put("count", 5L);
        cart.getExtras().put("gift", new Item("g", 1, null));
        cart.getExtras().put("tags", new ArrayList<>(List.of(Color.GREEN, new Point(0, 0))));

        Cart decoded = (Cart) roundTrip(cart);

        assertThat(decoded).isEqualTo(cart);
        assertThat(decoded.getItems().get(0)).isExactlyInstanceOf(Item.class);
        assertThat(decoded.getExtras().get("count")).isExactlyInstanceOf(Long.class);
        assertThat(decoded.getExtras().get("gift")).isExactlyInstanceOf(Item.class);
    }

    @Test
    void mapKeysThatAreNotStringsComeBackAsStrings() {
        // A documented loss of JSON: only the declared type of a bean property can restore keys.
        Map<Object, Object> decoded = asMap(roundTrip(new HashMap<>(Map.of(1, "one"))));
        assertThat(decoded).containsEntry("1", "one");
    }

    @Test
    void propertiesTheClassNoLongerHasAreIgnored() {
        Object decoded = decodeJson("[\"io.redissessions.core.codec.fixtures.Item\","
                + "{\"name\":\"pen\",\"quantity\":2,\"removedLastRelease\":true}]");
        assertThat(decoded).isEqualTo(new Item("pen", 2, null));
    }

    @Test
    void encodingAnUnlistedClassNamesAttributeClassAndSetting() {
        assertThatThrownBy(() -> codec.encode("user", new Unlisted("x")))
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("'user'")
                .hasMessageContaining(Unlisted.class.getName())
                .hasMessageContaining("allowedClasses")
                .hasMessageContaining("codec=java")
                .satisfies(e -> assertThat(((AttributeEncodingException) e).attributeName()).isEqualTo("user"));
    }

    @Test
    void encodingAnUnlistedClassInsideACollectionNamesTheNestedClass() {
        Map<String, Object> map = new HashMap<>(Map.of("inner", new Unlisted("y")));
        assertThatThrownBy(() -> codec.encode("prefs", map))
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("'prefs'")
                .hasMessageContaining(HashMap.class.getName())
                .hasMessageContaining(Unlisted.class.getName())
                .hasMessageContaining("allowedClasses");
    }

    @Test
    void encodingAnUnlistedJdkCollectionFails() {
        assertThatThrownBy(() -> codec.encode("deque", new java.util.ArrayDeque<>(List.of(1))))
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("java.util.ArrayDeque")
                .hasMessageContaining("allowedClasses");
    }

    @Test
    void encodingAnAllowedClassWithoutPropertiesFailsWithTheSameAdvice() {
        JsonCodec lenient = new JsonCodec(ClassAllowList.parse("allowedClasses", "io.redissessions.core.codec.*"));
        assertThatThrownBy(() -> lenient.encode("empty", new Empty()))
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("'empty'")
                .hasMessageContaining(Empty.class.getName())
                .hasMessageContaining("allowedClasses")
                .hasMessageContaining("codec=java");
    }

    @Test
    void encodingASelfReferencingValueFails() {
        JsonCodec lenient = new JsonCodec(ClassAllowList.parse("allowedClasses", "io.redissessions.core.codec.*"));
        Node direct = new Node();
        direct.next = direct;
        Node a = new Node();
        Node b = new Node();
        a.next = b;
        b.next = a;

        assertThatThrownBy(() -> lenient.encode("loop", direct))
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("'loop'").hasMessageContaining(Node.class.getName());
        assertThatThrownBy(() -> lenient.encode("cycle", a))
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("'cycle'").hasMessageContaining(Node.class.getName());
    }

    @Test
    void decodingAnAllowedButMissingClassFails() {
        assertThatThrownBy(() -> decodeJson("[\"io.redissessions.core.codec.fixtures.Gone\",{}]"))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("'attr'")
                .hasMessageContaining("io.redissessions.core.codec.fixtures.Gone");
    }

    @Test
    void decodingAnUnlistedClassFailsAndNamesIt() {
        assertThatThrownBy(() -> decodeJson("[\"" + Unlisted.class.getName() + "\",{\"name\":\"x\"}]"))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining(Unlisted.class.getName())
                .hasMessageContaining("allowedClasses");
    }

    @Test
    void decodingAGenericTypeIdFailsEvenWithAllowedParameters() {
        assertThatThrownBy(() -> decodeJson("[\"java.util.ArrayList<java.lang.String>\",[\"a\"]]"))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("generic");
    }

    @Test
    void decodingAnObjectTypeIdFails() {
        assertThatThrownBy(() -> decodeJson("[\"java.lang.Object\",{}]"))
                .isInstanceOf(AttributeDecodingException.class);
    }

    @Test
    void decodingMalformedOrTrailingJsonFails() {
        assertThatThrownBy(() -> decodeJson("[\"java.lang.Long\",")).isInstanceOf(AttributeDecodingException.class);
        assertThatThrownBy(() -> decodeJson("\"a\" \"b\"")).isInstanceOf(AttributeDecodingException.class);
        assertThatThrownBy(() -> decodeJson("{\"a\":1}")).isInstanceOf(AttributeDecodingException.class);
        assertThatThrownBy(() -> decodeJson("")).isInstanceOf(AttributeDecodingException.class);
    }

    /** A bean outside the allow-list. */
    public static class Unlisted {
        public String name;

        public Unlisted() {
        }

        Unlisted(String name) {
            this.name = name;
        }
    }

    /** A class that Jackson finds no properties in. */
    public static class Empty {
        private final int hidden = 1;
    }

    /** A linked node, to make cycles. */
    public static class Node {
        public Node next;
    }
}
