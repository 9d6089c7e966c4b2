package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which codecs a node decodes (#10 item 4): a node with {@code codec=json} runs no JDK
 * deserialization on what it finds in Redis unless {@code readCodecs} says so, and a JDK value
 * built to pin a thread costs that attribute only, also on a node that reads {@code java}. On a
 * real Redis.
 */
class ReadCodecsTest {

    private static RedisServer redis;
    private final List<RedisSessionStore> stores = new ArrayList<>();
    private String namespace;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void freshNamespace() {
        namespace = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeStores() {
        stores.forEach(RedisSessionStore::close);
    }

    private RedisSessionStore node(Consumer<SessionStoreConfig> settings) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        settings.accept(c);
        RedisSessionStore s = new RedisSessionStore(c, namespace, Clock.systemUTC());
        stores.add(s);
        return s;
    }

    private static String savedBy(RedisSessionStore node) {
        String id = UUID.randomUUID().toString();
        SessionState s = node.newSession(id, 600);
        s.setAttribute("cart", new ArrayList<>(List.of("apple", "pear")));
        s.setAttribute("user", "alice");
        s.save();
        return id;
    }

    @Test
    void aJsonNodeDoesNotDecodeValuesWrittenWithJdkSerialization() {
        RedisSessionStore java = node(c -> c.setCodec("java"));
        RedisSessionStore json = node(c -> c.setCodec("json"));
        String id = savedBy(java);

        SessionState s = json.open(id);
        assertThat(s.getAttribute("cart", null)).isNull();
        assertThat(s.getAttribute("user", null)).isNull();
        assertThat(json.metrics().getDecodeFailures()).isEqualTo(2);
    }

    @Test
    void withReadCodecsJsonAndJavaANodeReadsBothWhileMovingFromOneToTheOther() {
        RedisSessionStore java = node(c -> c.setCodec("java"));
        RedisSessionStore moving = node(c -> {
            c.setCodec("json");
            c.set("readCodecs", "json,java");
        });
        String id = savedBy(java);

        SessionState s = moving.open(id);
        assertThat(s.getAttribute("cart", null)).isEqualTo(List.of("apple", "pear"));
        s.setAttribute("user", "bob");
        s.save();
        assertThat(redis.command("HGET", moving.keys().sessionKey(id), "a:user")).startsWith("\u0001J");
        assertThat(java.open(id).getAttribute("cart", null)).isEqualTo(List.of("apple", "pear"));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aJdkValueBuiltToPinAThreadCostsThatAttributeOnly() throws IOException {
        RedisSessionStore java = node(c -> c.setCodec("java"));
        String id = savedBy(java);
        byte[] stream = serialized(nestedHashSets(40));
        byte[] stored = new byte[3 + stream.length];
        stored[0] = 1;
        stored[1] = 'S';
        System.arraycopy(stream, 0, stored, 3, stream.length);
        java.connector().client().hset(java.keys().sessionKey(id).getBytes(StandardCharsets.UTF_8),
                "a:tags".getBytes(StandardCharsets.UTF_8), stored);

        SessionState s = java.open(id);
        assertThat(s.getAttribute("tags", null)).isNull();
        assertThat(s.getAttribute("cart", null)).isEqualTo(List.of("apple", "pear"));
        assertThat(java.metrics().getDecodeFailures()).isEqualTo(1);
    }

    private static Set<Object> nestedHashSets(int depth) {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < depth; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    private static byte[] serialized(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }
}
