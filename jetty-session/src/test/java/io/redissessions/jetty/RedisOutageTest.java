package io.redissessions.jetty;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.jetty.testing.RotatingClient;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis down when Jetty starts, Redis down mid-traffic, Redis too slow, bad data in Redis. */
class RedisOutageTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private RedisServer redis(boolean start) {
        // appendonly: data survives a restart, as on a production Redis
        RedisServer r = RedisServer.builder().set("appendonly", "yes").build();
        resources.add(r);
        return start ? r.start() : r;
    }

    private JettyNode node(String name, RedisServer redis, String failureMode) {
        JettyNode n = JettyNode.builder(name, redis.uri()).store(f -> f.setFailureMode(failureMode)).start();
        resources.add(n);
        return n;
    }

    private static <T> T await(String what, Duration timeout, Supplier<T> attempt, java.util.function.Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = attempt.get();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last: " + value);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void jettyStartsWhileRedisIsDownAndSessionsWorkOnceItIsUp() throws Exception {
        RedisServer redis = redis(false);
        JettyNode a = node("nodeA", redis, "fail");
        JettyNode b = node("nodeB", redis, "fail");
        RotatingClient client = new RotatingClient(List.of(a, b));

        assertThat(client.get(a, "op=set&name=user&value=alice").status()).isEqualTo(503);
        assertThat(client.get(a, "op=none").status()).isEqualTo(200);

        redis.start();
        await("a session once Redis is up", Duration.ofSeconds(10),
                () -> client.get(a, "op=set&name=user&value=alice").status(), s -> s == 200);
        assertThat(client.ok(b, "op=get&name=user")).isEqualTo("alice");
    }

    @Test
    void requestThatNeedsItsSessionGets503WhileRedisIsDownAndRecoversWithoutRestart() throws Exception {
        RedisServer redis = redis(true);
        JettyNode a = node("nodeA", redis, "fail");
        JettyNode b = node("nodeB", redis, "fail");
        RotatingClient client = new RotatingClient(List.of(a, b));
        client.ok("op=set&name=user&value=alice");
        String id = client.sessionId();

        redis.stop();
        RotatingClient.Reply reply = client.get(b, "op=get&name=user");
        assertThat(reply.status()).as("not a new, empty session").isEqualTo(503);
        assertThat(client.get(a, "op=set&name=user&value=mallory").status()).isEqualTo(503);
        assertThat(client.get(a, "op=none").status()).as("a request that does not use its session").isEqualTo(200);
        assertThat(client.sessionId()).isEqualTo(id);

        redis.start();
        String user = await("the same session after Redis is back", Duration.ofSeconds(10),
                () -> client.get(b, "op=get&name=user"), r -> r.status() == 200).body();
        assertThat(user).isEqualTo("alice");
        assertThat(client.sessionId()).isEqualTo(id);
        assertThat(b.store().getRedisErrors()).isPositive();
    }

    @Test
    void slowRedisCostsAtMostTheSocketTimeout() throws Exception {
        RedisServer redis = redis(true);
        JettyNode a = node("nodeA", redis, "fail"); // socketTimeoutMillis=500
        RotatingClient client = new RotatingClient(List.of(a));
        client.ok("op=set&name=user&value=alice");

        redis.command("CLIENT", "PAUSE", "1500", "ALL");
        long start = System.nanoTime();
        assertThat(client.get(a, "op=get&name=user").status()).isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));

        await("Redis to answer again", Duration.ofSeconds(10),
                () -> client.get(a, "op=get&name=user"), r -> r.status() == 200 && r.body().equals("alice"));
    }

    @Test
    void failureModeLocalServesNodeLocalSessionsWhileRedisIsDown() throws Exception {
        RedisServer redis = redis(true);
        JettyNode a = node("nodeA", redis, "local");
        JettyNode b = node("nodeB", redis, "local");
        RotatingClient client = new RotatingClient(List.of(a, b));
        client.ok(a, "op=set&name=user&value=alice");

        redis.stop();
        RotatingClient another = new RotatingClient(List.of(a));
        assertThat(another.ok(a, "op=inc&name=n")).isEqualTo("1");
        assertThat(another.ok(a, "op=inc&name=n")).isEqualTo("2");
        assertThat(a.store().getLocalFallbacks()).isPositive();

        redis.start();
        await("Redis again", Duration.ofSeconds(10), () -> another.get(a, "op=inc&name=n"), r -> r.status() == 200);
        // the session made during the outage was written to Redis: another node sees it
        assertThat(another.ok(b, "op=get&name=n")).isEqualTo("3");
        assertThat(client.ok(b, "op=get&name=user")).isEqualTo("alice");
    }

    @Test
    void undecodableDataCostsTheAttributeOrTheSessionNeverA500() {
        RedisServer redis = redis(true);
        JettyNode a = node("nodeA", redis, "fail");
        RotatingClient client = new RotatingClient(List.of(a));
        client.ok("op=set&name=good&value=1");
        String key = new SessionKeys("rs:", "app").sessionKey(client.sessionId());

        redis.command("HSET", key, "a:bad", "not a value");
        assertThat(client.ok("op=get&name=bad")).isEqualTo("null");
        assertThat(client.ok("op=get&name=good")).isEqualTo("1");
        assertThat(a.store().getDecodeFailures()).isEqualTo(1);

        redis.command("DEL", key);
        redis.command("SET", key, "not a session");
        assertThat(client.ok("op=get&name=good")).isEqualTo("no-session");
        assertThat(client.ok("op=set&name=good&value=2")).isEqualTo("ok");
        assertThat(client.ok("op=get&name=good")).isEqualTo("2");
    }
}
