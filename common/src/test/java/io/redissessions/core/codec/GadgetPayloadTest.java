package io.redissessions.core.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import io.redissessions.core.codec.fixtures.Item;
import org.apache.commons.collections.bag.HashBag;
import org.apache.commons.collections.functors.ConstantTransformer;
import org.apache.commons.collections.functors.InvokerTransformer;
import org.apache.commons.collections.map.TransformedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Payloads naming deserialization gadget classes must fail without the gadget class ever being
 * requested from the webapp's class loader (a recording one here). The test itself loads the
 * commons-collections classes into the application loader, so only the recording loader can
 * tell whether the codec asked for them.
 */
class GadgetPayloadTest {

    private static final String GADGET_PACKAGE = "org.apache.commons.collections";
    private static final String INVOKER = "org.apache.commons.collections.functors.InvokerTransformer";

    private final ValueCodec codec = new ValueCodec("json", "json,java",
            ClassAllowList.parse("allowedClasses", "io.redissessions.core.codec.fixtures.*"), 0, Signatures.none());
    private final RecordingClassLoader webapp = new RecordingClassLoader(GadgetPayloadTest.class.getClassLoader());

    private static byte[] stored(char codecId, byte[] payload) {
        byte[] stored = new byte[3 + payload.length];
        stored[0] = ValueCodec.FORMAT_VERSION;
        stored[1] = (byte) codecId;
        System.arraycopy(payload, 0, stored, 3, payload.length);
        return stored;
    }

    private void assertRefusedWithoutAskingForTheGadget(byte[] stored) {
        assertThatThrownBy(() -> codec.decode("attr", stored, webapp))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("'attr'");
        assertThat(webapp.requested()).noneMatch(name -> name.contains(GADGET_PACKAGE));
    }

    static Stream<String> jsonGadgets() {
        return Stream.of(
                "[\"" + INVOKER + "\",{\"iMethodName\":\"exec\"}]",
                "[\"java.util.ArrayList\",[[\"" + INVOKER + "\",{}]]]",
                "[\"java.util.ArrayList<" + INVOKER + ">\",[]]",
                "[\"java.util.ArrayList<" + INVOKER + ">\",[[\"" + INVOKER + "\",{}]]]",
                "[\"java.util.HashMap<java.lang.String,java.util.List<" + INVOKER + ">>\",{}]",
                "[\"[L" + INVOKER + ";\",[]]",
                "[\"[[L" + INVOKER + ";\",[]]",
                "[\"io.redissessions.core.codec.fixtures.Cart\",{\"extras\":[\"java.util.LinkedHashMap\","
                        + "{\"x\":[\"" + INVOKER + "\",{}]}]}]",
                "[\"io.redissessions.core.codec.fixtures.Cart\",{\"items\":[\"java.util.ArrayList<" + INVOKER
                        + ">\",[]]}]");
    }

    @ParameterizedTest
    @MethodSource("jsonGadgets")
    void jsonNamingAGadgetIsRefusedBeforeTheGadgetIsLoaded(String json) {
        assertRefusedWithoutAskingForTheGadget(stored('J', json.getBytes(StandardCharsets.UTF_8)));
    }

    static Stream<Object> serializableGadgets() {
        Map<String, Object> holder = new HashMap<>();
        holder.put("t", new ConstantTransformer("x"));
        Map<?, ?> transformed = TransformedMap.decorate(new HashMap<>(), null, new ConstantTransformer("x"));
        HashBag bag = new HashBag();
        bag.add("x");
        return Stream.of(new ConstantTransformer("x"), holder, transformed, bag,
                new ArrayList<>(List.of(new InvokerTransformer("toString", new Class<?>[0], new Object[0]))));
    }

    @ParameterizedTest
    @MethodSource("serializableGadgets")
    void jdkStreamHoldingAGadgetIsRefusedBeforeTheGadgetIsLoaded(Object gadget) throws IOException {
        assertRefusedWithoutAskingForTheGadget(stored('S', JavaCodecTest.serializePlainly(gadget)));
    }

    static Stream<Object> gadgetsInsideJdkHelpers() {
        List<Object> gadgets = new ArrayList<>(List.of(new ConstantTransformer("x")));
        java.util.TreeSet<Object> reversedByGadget = new java.util.TreeSet<>(
                java.util.Collections.reverseOrder(new org.apache.commons.collections.comparators.ComparatorChain()));
        java.util.TreeMap<Object, Object> sortedByGadget = new java.util.TreeMap<>(
                java.util.Comparator.nullsFirst(new org.apache.commons.collections.comparators.ComparatorChain()));
        return Stream.of(java.util.Collections.synchronizedList(gadgets),
                java.util.Collections.unmodifiableSortedSet(reversedByGadget), sortedByGadget,
                java.util.Collections.checkedList(new ArrayList<>(), ConstantTransformer.class),
                java.util.Collections.checkedMap(new HashMap<>(), String.class, InvokerTransformer.class),
                java.util.Collections.synchronizedMap(new java.util.TreeMap<>(Map.of("k", new ConstantTransformer("x")))),
                setFromMap(new ConstantTransformer("x")));
    }

    private static java.util.Set<Object> setFromMap(Object element) {
        java.util.Set<Object> set = java.util.Collections.newSetFromMap(new HashMap<>());
        set.add(element);
        return set;
    }

    @ParameterizedTest
    @MethodSource("gadgetsInsideJdkHelpers")
    void aJdkWrapperOrComparatorCannotCarryAGadgetThrough(Object wrapper) throws IOException {
        assertRefusedWithoutAskingForTheGadget(stored('S', JavaCodecTest.serializePlainly(wrapper)));
        ValueCodec java = new ValueCodec("java", ClassAllowList.empty(), 0, null);
        assertThatThrownBy(() -> java.encode("attr", wrapper)).isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining(GADGET_PACKAGE);
    }

    static Stream<String> jsonGadgetsInsideJdkHelpers() {
        return Stream.of(
                "[\"java.util.Collections$SynchronizedRandomAccessList\",[[\"" + INVOKER + "\",{}]]]",
                "[\"java.util.Collections$UnmodifiableSet\",[[\"" + INVOKER + "\",{}]]]",
                "[\"java.util.TreeMap\",[[\"java.util.Collections$ReverseComparator2\",{\"reversed\":[\""
                        + "org.apache.commons.collections.comparators.ComparatorChain\",{}]}],{}]]",
                "[\"java.util.TreeSet\",{\"comparator\":[\"" + INVOKER + "\",{}],\"elements\":[]}]");
    }

    @ParameterizedTest
    @MethodSource("jsonGadgetsInsideJdkHelpers")
    void jsonNamingAGadgetInsideAJdkHelperIsRefusedBeforeTheGadgetIsLoaded(String json) {
        assertRefusedWithoutAskingForTheGadget(stored('J', json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aCollectionThatHoldsItselfIsRefusedAsUndecodableNotWithAnError() throws IOException {
        // No JDK method builds a wrapper that holds itself, but a stream can say so: hashCode then
        // recurses until the stack overflows, while HashSet reads its elements.
        List<Object> plain = new ArrayList<>();
        java.util.Set<Object> holdsPlain = new java.util.HashSet<>();
        holdsPlain.add(plain);
        plain.add(plain);
        List<Object> wrapped = new ArrayList<>();
        java.util.Set<Object> holdsWrapped = new java.util.HashSet<>();
        holdsWrapped.add(java.util.Collections.synchronizedList(wrapped));
        wrapped.add(java.util.Collections.synchronizedList(wrapped));

        for (Object value : List.of(holdsPlain, holdsWrapped)) {
            byte[] stream = JavaCodecTest.serializePlainly(value);
            assertThatThrownBy(() -> codec.decode("attr", stored('S', stream), webapp))
                    .isInstanceOf(AttributeDecodingException.class)
                    .hasMessageContaining("'attr'");
        }
    }

    @Test
    void theRecordingLoaderSeesTheClassesThatTheCodecsDoLoad() throws IOException {
        Item item = new Item("pen", 1, BigDecimal.ONE);
        String json = "[\"java.util.ArrayList\",[[\"" + Item.class.getName() + "\",{\"name\":\"pen\",\"quantity\":1,"
                + "\"price\":[\"java.math.BigDecimal\",1]}]]]";

        assertThat(codec.decode("a", stored('J', json.getBytes(StandardCharsets.UTF_8)), webapp))
                .isEqualTo(List.of(item));
        assertThat(webapp.requested()).contains(Item.class.getName());

        RecordingClassLoader other = new RecordingClassLoader(GadgetPayloadTest.class.getClassLoader());
        assertThat(codec.decode("a", stored('S', JavaCodecTest.serializePlainly(item)), other)).isEqualTo(item);
        assertThat(other.requested()).contains(Item.class.getName());
    }

    @Test
    void jacksonAloneWouldLoadTheGenericParameterThatANameCheckApproved() {
        // Why generic type ids are refused outright: a validator that approves the raw name
        // "java.util.ArrayList" lets Jackson load the parameter class before checking it.
        ObjectMapper plain = JsonMapper.builder()
                .typeFactory(com.fasterxml.jackson.databind.type.TypeFactory.defaultInstance().withClassLoader(webapp))
                .activateDefaultTyping(BasicPolymorphicTypeValidator.builder()
                        .allowIfSubType("java.util.ArrayList").build(), ObjectMapper.DefaultTyping.NON_FINAL)
                .build();
        String json = "[\"java.util.ArrayList<" + INVOKER + ">\",[]]";

        assertThatThrownBy(() -> plain.readValue(json, Object.class)).isInstanceOf(IOException.class);
        assertThat(webapp.requested()).contains(INVOKER);
    }
}
