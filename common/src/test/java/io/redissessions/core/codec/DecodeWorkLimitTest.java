package io.redissessions.core.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * JDK deserialization of hostile values that stay within the stream limits (a few KB, shallow,
 * few references) but make the hash collections being read call {@code hashCode} on shared
 * structures exponentially often: nested HashSets (the classic "SerialDOS") pin a thread for
 * seconds at depth 26 and for ever at depth 60, lists shared many times inside one HashSet do it
 * at depth 5. The codec refuses them before the hashing starts. The timeouts bound the tests on a
 * loaded machine; nothing here asserts a duration.
 */
class DecodeWorkLimitTest {

    private static final ClassLoader LOADER = DecodeWorkLimitTest.class.getClassLoader();
    private final JavaCodec codec = new JavaCodec(ClassAllowList.parse("allowedClasses", ""));

    /** Sets of depth {@code depth}: each level's two sets hold both sets of the next level. */
    static Set<Object> nestedHashSets(int depth) {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < depth; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo"); // so that t1 and t2 differ
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    /** A HashSet holding a list of {@code branch} times the same list, {@code depth} levels down. */
    static Set<Object> sharedListsInAHashSet(int depth, int branch) {
        Set<Object> root = new HashSet<>();
        List<Object> level = new ArrayList<>();
        root.add(level); // added while empty: building it costs nothing, hashing it later does
        for (int i = 0; i < depth; i++) {
            List<Object> next = new ArrayList<>();
            for (int j = 0; j < branch; j++) {
                level.add(next);
            }
            level = next;
        }
        level.add("leaf");
        return root;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nestedHashSetsFailFastWithTheLimitsMessage() throws IOException {
        byte[] stream = JavaCodecTest.serializePlainly(nestedHashSets(26));
        assertThat(stream.length).as("small enough for the stream limits").isLessThan(5_000);
        assertThatThrownBy(() -> codec.decode("attr", stream, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("'attr'")
                .hasMessageContaining("decode work limit");
        byte[] deeper = JavaCodecTest.serializePlainly(nestedHashSets(60));
        assertThatThrownBy(() -> codec.decode("attr", deeper, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("over the limits: depth " + JavaCodec.MAX_DEPTH);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void listsSharedManyTimesInsideAHashSetFailFastWithTheLimitsMessage() throws IOException {
        byte[] stream = JavaCodecTest.serializePlainly(sharedListsInAHashSet(5, 60));
        assertThat(stream.length).isLessThan(5_000);
        assertThatThrownBy(() -> codec.decode("attr", stream, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("decode work limit");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mapKeysSharedManyTimesFailFastToo() throws IOException {
        Map<Object, Object> map = new HashMap<>();
        List<Object> key = new ArrayList<>();
        map.put(key, "v");
        List<Object> level = key;
        for (int i = 0; i < 5; i++) {
            List<Object> next = new ArrayList<>();
            for (int j = 0; j < 60; j++) {
                level.add(next);
            }
            level = next;
        }
        byte[] stream = JavaCodecTest.serializePlainly(map);
        assertThatThrownBy(() -> codec.decode("attr", stream, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("decode work limit");
    }

    @Test
    void valuesThatShareSomeReferencesStillDecode() throws IOException {
        List<String> tags = new ArrayList<>(List.of("a", "b", "c"));
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(tags); // one list, referenced a thousand times
        }
        Set<Object> sets = new HashSet<>(List.of("leaf"));
        for (int i = 0; i < 8; i++) { // built bottom-up, each level holding the one below twice over
            Set<Object> next = new HashSet<>();
            next.add(sets);
            next.add(new ArrayList<>(List.of(sets, i)));
            sets = next;
        }
        Map<String, Object> value = new HashMap<>(Map.of("rows", rows, "sets", sets));

        Object decoded = codec.decode("attr", JavaCodecTest.serializePlainly(value), LOADER);
        assertThat(decoded).isEqualTo(value);
    }

    @Test
    void objectsNestedFortyDeepAreRefused() throws IOException {
        JavaCodec lenient = new JavaCodec(ClassAllowList.parse("allowedClasses", "io.redissessions.core.codec.*"));
        byte[] stream = JavaCodecTest.serializePlainly(JavaCodecTest.Chain.ofLength(40));
        assertThatThrownBy(() -> lenient.decode("attr", stream, LOADER))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("limits");
    }
}
