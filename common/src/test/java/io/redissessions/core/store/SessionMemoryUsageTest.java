package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.codec.fixtures.Item;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures what a session costs in Redis memory, for the sizing table of docs/operations.md:
 * {@value #SESSIONS} sessions of each shape are saved through the store (json codec, 32-character
 * ids as Tomcat makes them, max inactive 30 min), and the growth of {@code used_memory} is divided
 * by their number. That includes everything a session costs: its hash, its key and TTL in the
 * keyspace, and its entry in the expiry index. {@code MEMORY USAGE} of one session hash is shown
 * too. The table is written to {@code target/session-memory-usage.md}; docs/operations.md shows it.
 *
 * <p>The assertions are bounds with room to spare (allocator and Redis version differ), there to
 * catch a change that makes sessions much bigger, not to pin numbers.
 */
class SessionMemoryUsageTest {

    private static final int SESSIONS = 2000;
    private static RedisServer redis;

    /**
     * Keys with a TTL created before measuring, so that the keyspace and expiry tables already have
     * room for every session measured (64K buckets): a table doubling in the middle of a shape
     * would otherwise be charged to that shape.
     */
    private static final int WARM_UP_KEYS = 40_000;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
        try (UnifiedJedis j = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redis.port())).build();
             AbstractPipeline p = j.pipelined()) {
            for (int i = 0; i < WARM_UP_KEYS; i++) {
                p.psetex("warm-up:" + i, 3_600_000L, "x");
            }
            p.sync();
        }
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private record Row(String shape, long attributeBytes, long perSession, long memoryUsage, String encoding) {
    }

    private static long usedMemory() {
        String info = redis.command("INFO", "memory");
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("no used_memory in INFO memory");
    }

    private static Row measure(String shape, int compressionThreshold, Supplier<Map<String, Object>> attributes) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        c.setNodeId("tomcat-1");
        c.setAllowedClasses("io.redissessions.core.codec.fixtures.*");
        c.setCompressionThresholdBytes(compressionThreshold);
        String namespace = "m" + Integer.toHexString(shape.hashCode() & 0xfffffff);
        Random random = new Random(42);
        try (RedisSessionStore store = new RedisSessionStore(c, namespace, Clock.systemUTC())) {
            store.ping();
            long before = usedMemory();
            String lastId = null;
            long attributeBytes = 0;
            for (int i = 0; i < SESSIONS; i++) {
                String id = String.format("%016X%016X", random.nextLong(), random.nextLong());
                SessionState s = store.newSession(id, 1800);
                attributes.get().forEach(s::setAttribute);
                assertThat(s.save()).isEqualTo(RedisSessionStore.SaveResult.SAVED);
                lastId = id;
            }
            long after = usedMemory();
            String key = store.keys().sessionKey(lastId);
            StoredSession stored = store.load(lastId);
            for (byte[] v : stored.attributes().values()) {
                attributeBytes += v.length;
            }
            long usage = Long.parseLong(redis.command("MEMORY", "USAGE", key, "SAMPLES", "0").substring(1));
            String encoding = redis.command("OBJECT", "ENCODING", key);
            return new Row(shape, attributeBytes, Math.round((after - before) / (double) SESSIONS), usage, encoding);
        }
    }

    private static Map<String, Object> small(int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> values = List.of("alice@example.com", 42, "en_GB", "/shop/cart?page=2", true,
                1_700_000_000_000L, "EUR", 3, "dark", "b7e2c1");
        for (int i = 0; i < n; i++) {
            m.put(i == 0 ? "user" : "attr" + i, values.get(i % values.size()));
        }
        return m;
    }

    private static String text(int bytes) {
        String[] words = {"session", "redis", "tomcat", "jetty", "cart", "user", "order", "price", "node", "cluster"};
        Random r = new Random(7);
        StringBuilder b = new StringBuilder(bytes);
        while (b.length() < bytes) {
            b.append(words[r.nextInt(words.length)]).append(r.nextInt(1000)).append(' ');
        }
        return b.substring(0, bytes);
    }

    @Test
    void sessionsCostWhatTheSizingTableSays() throws IOException {
        List<Row> rows = new ArrayList<>();
        rows.add(measure("no attributes (metadata only)", 0, Map::of));
        rows.add(measure("1 attribute (user name)", 0, () -> small(1)));
        rows.add(measure("5 small attributes", 0, () -> small(5)));
        rows.add(measure("10 small attributes", 0, () -> small(10)));
        rows.add(measure("20 small attributes", 0, () -> small(20)));
        Supplier<Map<String, Object>> cart = () -> {
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                items.add(new Item("product-" + i, i + 1, new BigDecimal("19.99")));
            }
            return Map.of("user", "alice@example.com", "cart", items);
        };
        rows.add(measure("cart: a list of 5 beans", 0, cart));
        // hash-max-ziplist-value is the name Redis 6 knows; Redis 7 takes it for hash-max-listpack-value
        redis.command("CONFIG", "SET", "hash-max-ziplist-value", "1024");
        rows.add(measure("cart: a list of 5 beans, hash-max-listpack-value 1024", 0, cart));
        redis.command("CONFIG", "SET", "hash-max-ziplist-value", "64");
        String oneKb = text(1024);
        String tenKb = text(10 * 1024);
        rows.add(measure("one 1 KB string", 0, () -> Map.of("text", oneKb)));
        rows.add(measure("one 10 KB string", 0, () -> Map.of("text", tenKb)));
        rows.add(measure("one 10 KB string, compressionThresholdBytes=1024", 1024, () -> Map.of("text", tenKb)));

        StringBuilder table = new StringBuilder()
                .append("Redis ").append(redisVersion()).append(", ").append(SESSIONS).append(" sessions per shape\n\n")
                .append("| session | attribute values (bytes) | Redis memory per session (bytes) | MEMORY USAGE of the hash | encoding |\n")
                .append("|---|---:|---:|---:|---|\n");
        for (Row r : rows) {
            table.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s |%n",
                    r.shape(), r.attributeBytes(), r.perSession(), r.memoryUsage(), r.encoding()));
        }
        Path out = Path.of("target", "session-memory-usage.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        System.out.println(table);

        Map<String, Row> byShape = new LinkedHashMap<>();
        rows.forEach(r -> byShape.put(r.shape(), r));
        assertThat(byShape.get("no attributes (metadata only)").perSession()).isLessThan(600);
        assertThat(byShape.get("10 small attributes").perSession()).isLessThan(1200);
        assertThat(byShape.get("20 small attributes").perSession()).isLessThan(2500);
        assertThat(byShape.get("one 10 KB string").perSession()).isLessThan(16 * 1024);
        assertThat(byShape.get("cart: a list of 5 beans, hash-max-listpack-value 1024").perSession())
                .isLessThan(byShape.get("cart: a list of 5 beans").perSession());
        assertThat(byShape.get("one 10 KB string, compressionThresholdBytes=1024").perSession())
                .isLessThan(byShape.get("one 10 KB string").perSession() / 2);
    }

    private static String redisVersion() {
        for (String line : redis.command("INFO", "server").split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length()).trim();
            }
        }
        return "?";
    }
}
