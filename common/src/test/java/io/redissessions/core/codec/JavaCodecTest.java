package io.redissessions.core.codec;

import io.redissessions.core.codec.fixtures.Cart;
import io.redissessions.core.codec.fixtures.Color;
import io.redissessions.core.codec.fixtures.Item;
import io.redissessions.core.codec.fixtures.Point;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JavaCodecTest {

    private static final ClassLoader LOADER = JavaCodecTest.class.getClassLoader();
    private final JavaCodec codec = new JavaCodec(
            ClassAllowList.parse("allowedClasses", "io.redissessions.core.codec.fixtures.*"));

    private Object roundTrip(Object value) {
        return codec.decode("attr", codec.encode("attr", value), LOADER);
    }

    /** Serializes with a plain stream, as a node with a laxer configuration (or an attacker) would. */
    static byte[] serializePlainly(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    static Stream<Object> values() {
        return Stream.of("text", true, 42, 42L, 4.5d, 4.5f, 'c', (short) 1, (byte) 2,
                new BigDecimal("12.340"), new BigInteger("123456789012345678901234567890"),
                new ArrayList<>(List.of(1, 2L, "x")), new LinkedList<>(List.of(1)),
                new HashMap<>(Map.of("a", 1L)), new LinkedHashMap<>(Map.of("b", 2)),
                new TreeMap<>(Map.of("c", 3)), new TreeSet<>(Set.of(5, 4)),
                List.of(1, 2), List.of(), Set.of("s"), Map.of("k", 1L, "l", 2),
                Collections.emptyList(), Collections.singletonList(1), Collections.singletonMap("k", "v"),
                Collections.unmodifiableList(new ArrayList<>(List.of(1))),
                Collections.unmodifiableMap(new HashMap<>(Map.of("k", 1))), Arrays.asList("a", "b"),
                new Date(1_700_000_000_000L), UUID.randomUUID(), Locale.CANADA_FRENCH,
                Instant.ofEpochSecond(5, 6), LocalDate.of(2024, 2, 29), Duration.ofSeconds(90),
                ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Zurich")),
                new Item("pen", 2, BigDecimal.ONE), new Point(3, 4), Color.RED, Color.BLUE);
    }

    @ParameterizedTest
    @MethodSource("values")
    void valuesRoundTripWithTheirClass(Object value) {
        Object decoded = roundTrip(value);
        assertThat(decoded).isEqualTo(value).hasSameClassAs(value);
    }

    @Test
    void nullRoundTrips() {
        assertThat(roundTrip(null)).isNull();
    }

    @Test
    void arraysRoundTrip() {
        assertThat((int[]) roundTrip(new int[] {1, 2})).containsExactly(1, 2);
        assertThat((byte[]) roundTrip(new byte[] {-1})).containsExactly(-1);
        assertThat((String[]) roundTrip(new String[] {"a"})).containsExactly("a");
        assertThat((Object[]) roundTrip(new Object[] {1, 2L})).containsExactly(1, 2L);
        Item[] items = {new Item("a", 1, null)};
        assertThat(roundTrip(items)).isInstanceOf(Item[].class).isEqualTo(items);
    }

    @Test
    void nestedBeansKeepTheirTypes() {
        Cart cart = new Cart();
        cart.setOwner("bob");
        cart.getItems().add(new Item("a", 1, BigDecimal.TEN));
        cart.setLocation(new Point(1, 1));
        cart.setColor(Color.GREEN);
        cart.getExtras().put("count", 7L);

        Cart decoded = (Cart) roundTrip(cart);

        assertThat(decoded).isEqualTo(cart);
        assertThat(decoded.getExtras().get("count")).isExactlyInstanceOf(Long.class);
    }

    @Test
    void encodingANonSerializableValueNamesAttributeClassAndFix() {
        assertThatThrownBy(() -> codec.encode("user", new Object()))
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("'user'")
                .hasMessageContaining("java.lang.Object")
                .hasMessageContaining("Serializable")
                .hasMessageContaining("codec=json")
                .hasMessageContaining("allowedClasses");
    }

    @Test
    void encodingAValueWithANonSerializableFieldNamesTheFieldsClass() {
        Map<String, Object> map = new HashMap<>(Map.of("thread", new NotSerializable()));
        assertThatThrownBy(() -> codec.encode("prefs", map))
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("'prefs'")
                .hasMessageContaining("java.util.HashMap")
                .hasMessageContaining(NotSerializable.class.getName())
                .hasMessageContaining("Serializable");
    }

    @Test
    void encodingASerializableButUnlistedClassNamesTheSetting() {
        assertThatThrownBy(() -> codec.encode("user", new Unlisted()))
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("'user'")
                .hasMessageContaining(Unlisted.class.getName())
                .hasMessageContaining("allowedClasses");
    }

    @Test
    void decodingAnUnlistedClassFailsAndNamesIt() throws IOException {
        byte[] stream = serializePlainly(new ArrayList<>(List.of(new Unlisted())));
        assertThatThrownBy(() -> codec.decode("attr", stream, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("'attr'")
                .hasMessageContaining(Unlisted.class.getName())
                .hasMessageContaining("allowedClasses");
    }

    @Test
    void decodingAnAllowedButMissingClassFails() throws IOException {
        byte[] stream = serializePlainly(new Point(1, 2));
        // Rename the class in the stream: same length, so the stream stays well-formed.
        byte[] renamed = replace(stream, "fixtures.Point", "fixtures.Poinx");
        assertThatThrownBy(() -> codec.decode("attr", renamed, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("fixtures.Poinx");
    }

    @Test
    void decodingADynamicProxyFails() throws IOException {
        Object proxy = Proxy.newProxyInstance(LOADER, new Class<?>[] {Runnable.class, Serializable.class},
                new Handler());
        byte[] stream = serializePlainly(proxy);
        JavaCodec lenient = new JavaCodec(ClassAllowList.parse("allowedClasses", "io.redissessions.* java.lang.*"));
        assertThatThrownBy(() -> lenient.decode("attr", stream, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("proxies");
    }

    @Test
    void decodingBeyondTheDepthLimitFails() throws IOException {
        Chain deep = Chain.ofLength(JavaCodec.MAX_DEPTH + 10);
        Chain shallow = Chain.ofLength(JavaCodec.MAX_DEPTH / 2);
        JavaCodec lenient = new JavaCodec(ClassAllowList.parse("allowedClasses", "io.redissessions.core.codec.*"));

        assertThat(lenient.decode("attr", serializePlainly(shallow), LOADER)).isInstanceOf(Chain.class);
        assertThatThrownBy(() -> lenient.decode("attr", serializePlainly(deep), LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("limits");
    }

    @Test
    void decodingBeyondTheArrayLimitFails() throws IOException {
        byte[] stream = serializePlainly(new byte[JavaCodec.MAX_ARRAY_LENGTH + 1]);
        assertThatThrownBy(() -> codec.decode("attr", stream, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("limits");
    }

    @Test
    void decodingBeyondTheReferenceLimitFails() throws IOException {
        // Strings do not pass the filter, objects do: use distinct Integers.
        ArrayList<Object> many = new ArrayList<>();
        IntStream.range(0, JavaCodec.MAX_REFERENCES + 1).forEach(i -> many.add(i + 1000));
        byte[] stream = serializePlainly(many);
        assertThatThrownBy(() -> codec.decode("attr", stream, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("limits");
    }

    @Test
    void decodingGarbageOrTruncatedStreamsFails() throws IOException {
        byte[] good = serializePlainly(new ArrayList<>(List.of("a", "b")));
        assertThatThrownBy(() -> codec.decode("attr", new byte[] {1, 2, 3}, LOADER))
                .isInstanceOf(AttributeDecodingException.class);
        assertThatThrownBy(() -> codec.decode("attr", new byte[0], LOADER))
                .isInstanceOf(AttributeDecodingException.class);
        assertThatThrownBy(() -> codec.decode("attr", Arrays.copyOf(good, good.length - 3), LOADER))
                .isInstanceOf(AttributeDecodingException.class);
    }

    static byte[] replace(byte[] haystack, String from, String to) {
        byte[] f = from.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] t = to.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = haystack.clone();
        int found = 0;
        for (int i = 0; i + f.length <= out.length; i++) {
            if (Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, out, i, t.length);
                found++;
            }
        }
        assertThat(found).as("occurrences of " + from).isPositive();
        return out;
    }

    /** Serializable, but outside the allow-list. */
    static final class Unlisted implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Not serializable. */
    static final class NotSerializable {
    }

    /** A linked chain of objects, one nesting level each. */
    static final class Chain implements Serializable {
        private static final long serialVersionUID = 1L;
        Chain next;

        static Chain ofLength(int n) {
            Chain head = null;
            for (int i = 0; i < n; i++) {
                Chain c = new Chain();
                c.next = head;
                head = c;
            }
            return head;
        }
    }

    /** A serializable invocation handler, so that a proxy can be serialized. */
    static final class Handler implements InvocationHandler, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return null;
        }
    }
}
