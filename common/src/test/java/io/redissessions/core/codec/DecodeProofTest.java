package io.redissessions.core.codec;

import io.redissessions.core.codec.fixtures.Point;
import io.redissessions.core.codec.fixtures.Item;
import io.redissessions.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.tools.ToolProvider;
import java.lang.ref.WeakReference;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ValueCodec#encodeStorable}: the decode proof and what it caches. Whether a proof decoded
 * is seen through the class loader it decodes with: a fresh recording loader per call is asked
 * for the value's class only when the proof decodes.
 */
class DecodeProofTest {

    private static final ClassLoader APP = DecodeProofTest.class.getClassLoader();
    private static final ClassAllowList FIXTURES =
            ClassAllowList.parse("allowedClasses", "io.redissessions.core.codec.fixtures.* sessiontest.*");

    @TempDir
    Path classes;

    private static boolean proofDecoded(ValueCodec codec, Object value, ClassLoader parent) {
        RecordingClassLoader loader = new RecordingClassLoader(parent);
        codec.encodeStorable("attr", value, loader);
        return loader.requested().contains(value instanceof List ? ((List<?>) value).get(0).getClass().getName()
                : value.getClass().getName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "java"})
    void aFlatValueIsProvenOncePerClass(String codecName) {
        ValueCodec codec = new ValueCodec(codecName, FIXTURES, 0, null);

        assertThat(proofDecoded(codec, new Item("pen", 1, BigDecimal.ONE), APP)).as("first value").isTrue();
        assertThat(proofDecoded(codec, new Item("ink", 7, null), APP)).as("same class again").isFalse();
        assertThat(proofDecoded(codec, new Point(1, 2), APP)).as("another class").isTrue();
        assertThat(proofDecoded(codec, new Point(3, 4), APP)).as("that class again").isFalse();
        assertThat(proofDecoded(new ValueCodec(codecName, FIXTURES, 0, null), new Item("pen", 1, null), APP))
                .as("another codec (another allow-list) knows nothing").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "java"})
    void aCollectionIsProvenEveryTimeWhateverItHeldBefore(String codecName) {
        ValueCodec codec = new ValueCodec(codecName, FIXTURES, 0, null);
        List<Item> items = new ArrayList<>(List.of(new Item("pen", 1, BigDecimal.ONE)));

        assertThat(proofDecoded(codec, items, APP)).isTrue();
        assertThat(proofDecoded(codec, items, APP)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "java"})
    void aBeanHoldingAnotherBeanIsProvenEveryTime(String codecName) {
        ValueCodec codec = new ValueCodec(codecName, FIXTURES, 0, null);
        Map<String, Object> holder = new HashMap<>(Map.of("item", new Item("pen", 1, null)));

        RecordingClassLoader first = new RecordingClassLoader(APP);
        RecordingClassLoader second = new RecordingClassLoader(APP);
        codec.encodeStorable("attr", holder, first);
        codec.encodeStorable("attr", holder, second);
        assertThat(first.requested()).contains(Item.class.getName());
        assertThat(second.requested()).contains(Item.class.getName());
    }

    @Test
    void jsonProvesBigNumbersThatJacksonWouldNotReadBack() {
        ValueCodec json = new ValueCodec("json", FIXTURES, 0, null);
        BigDecimal huge = new BigDecimal("9".repeat(1500));

        json.encodeStorable("small", new BigDecimal("1.5"), null);
        assertThatThrownBy(() -> json.encodeStorable("huge", huge, null))
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("'huge'").hasMessageContaining("would not decode");
        assertThat(new ValueCodec("java", FIXTURES, 0, null).encodeStorable("huge", huge, null)).isNotEmpty();
    }

    private URLClassLoader webapp() throws Exception {
        Path source = classes.resolve("src/sessiontest/Badge.java");
        if (!Files.exists(source)) {
            Files.createDirectories(source.getParent());
            Files.writeString(source, "package sessiontest;\n"
                    + "public class Badge implements java.io.Serializable {\n"
                    + "    private static final long serialVersionUID = 1L;\n"
                    + "    private String name = \"gold\";\n"
                    + "    public String getName() { return name; }\n"
                    + "    public void setName(String name) { this.name = name; }\n"
                    + "}\n");
            int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d",
                    classes.toString(), source.toString());
            assertThat(status).as("javac exit status").isZero();
        }
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, APP);
    }

    /** Counts its decodes; decodes nothing, so that it holds on to nothing either. */
    private static final class CountingCodec implements AttributeCodec {
        int decodes;

        @Override
        public byte id() {
            return 'S';
        }

        @Override
        public String name() {
            return "java";
        }

        @Override
        public byte[] encode(String attributeName, Object value) {
            return new byte[] {1};
        }

        @Override
        public Object decode(String attributeName, byte[] payload, ClassLoader classLoader) {
            decodes++;
            return null;
        }
    }

    @Test
    void verdictsArePerClassLoaderAndDoNotKeepARedeployedWebappAlive() throws Exception {
        DecodeProof proof = new DecodeProof();
        CountingCodec codec = new CountingCodec();
        DecodeProof.Encoded flat = new DecodeProof.Encoded(new byte[] {1}, true);
        URLClassLoader first = webapp();
        Object badge = Class.forName("sessiontest.Badge", true, first).getConstructor().newInstance();

        proof.prove(codec, "badge", badge, flat, first);
        proof.prove(codec, "badge", badge, flat, first);
        assertThat(codec.decodes).as("proven once for the class").isEqualTo(1);

        URLClassLoader redeployed = webapp();
        Object again = Class.forName("sessiontest.Badge", true, redeployed).getConstructor().newInstance();
        proof.prove(codec, "badge", again, flat, redeployed);
        assertThat(codec.decodes).as("the same name from another loader is another class").isEqualTo(2);

        proof.prove(codec, "badge", again, new DecodeProof.Encoded(new byte[] {1}, false), redeployed);
        assertThat(codec.decodes).as("a value that is not flat is always proven").isEqualTo(3);

        WeakReference<ClassLoader> gone = new WeakReference<>(first);
        first.close();
        first = null;
        badge = null;
        Poll.until(Duration.ofSeconds(30), "the first webapp's loader is collected while the proof lives", () -> {
            System.gc();
            return gone.get() == null;
        });
        proof.prove(codec, "badge", again, flat, redeployed);
        assertThat(codec.decodes).as("the redeployed class's verdict stays").isEqualTo(3);
        redeployed.close();
    }
}
