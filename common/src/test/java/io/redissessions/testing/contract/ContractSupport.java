package io.redissessions.testing.contract;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.core.store.StoreMetrics;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every part of the container contract shares: a real Redis per test class, a fresh
 * namespace per test, and the clusters and servers a test starts, closed after it. A container
 * runs the contract by extending each part with one method, {@link #container()}
 * ({@code TomcatSharingContractTest}, {@code JettySharingContractTest}, ...).
 *
 * <p>To add a case: a {@code @Test} method in the part it belongs to, written against
 * {@link ClusterUnderTest} (start nodes with {@link #start}, drive them with a
 * {@link io.redissessions.testing.web.Browser}, read the listeners' calls from
 * {@link ClusterUnderTest#events()}, run expiry passes with {@link ClusterUnderTest#runExpiryPasses}
 * and wait for Redis's clock ({@link #awaitRedisTimeAfter}), never for a time); it then runs on
 * both containers. A request the webapp cannot make yet is
 * a new {@code op} in its SessionServlet (a test-jar resource, see
 * {@link io.redissessions.testing.web.TestWebapp}); a new way for Redis to fail is a
 * {@link RedisFault} and one line in {@link RedisFault#all()}. A new part is an abstract class
 * extending this one, plus a five-line subclass in each adapter's tests.
 */
public abstract class ContractSupport {

    protected static RedisServer redis;

    protected String namespace;
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** The container under test. */
    protected abstract ContainerUnderTest container();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @BeforeEach
    void freshNamespace() {
        namespace = "c" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeResources() throws Exception {
        Exception first = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        resources.clear();
        if (first != null) {
            throw first;
        }
    }

    /** Two nodes on the class's Redis and the test's namespace; see {@link ClusterSpec#of}. */
    protected ClusterSpec spec() {
        return ClusterSpec.of(redis.uri(), namespace);
    }

    protected ClusterUnderTest start(int nodes) {
        return start(spec().withNodes(nodes));
    }

    /** Starts a cluster that is closed after the test. */
    protected ClusterUnderTest start(ClusterSpec spec) {
        return closeAfterTest(container().start(spec));
    }

    protected <T extends AutoCloseable> T closeAfterTest(T resource) {
        resources.add(resource);
        return resource;
    }

    /** The Redis key of a session of this test's namespace, whatever node suffix {@code id} carries. */
    protected String sessionKey(String id) {
        return new SessionKeys("rs:", namespace).sessionKey(Browser.clusterId(id));
    }

    protected static boolean exists(RedisServer server, String key) {
        return server.command("EXISTS", key).equals(":1");
    }

    /** Redis's clock ({@code TIME}) in epoch millis: the clock that decides expiry. */
    protected static long redisTimeMillis(RedisServer server) {
        String[] time = server.command("TIME").split("\n");
        return Long.parseLong(time[0].trim()) * 1000 + Long.parseLong(time[1].trim()) / 1000;
    }

    /** Returns once Redis's clock is later than {@code epochMillis} (bounded). */
    protected static void awaitRedisTimeAfter(RedisServer server, long epochMillis) {
        long wait = Math.max(0, epochMillis - redisTimeMillis(server));
        Poll.until(Duration.ofMillis(wait).plusSeconds(20), "Redis's clock passes " + epochMillis,
                () -> redisTimeMillis(server) > epochMillis);
    }

    /** The stored expiry ({@code #expiry}, on Redis's clock) of a session of this test's namespace. */
    protected long storedExpiry(String id) {
        String expiry = redis.command("HGET", sessionKey(id), "#expiry");
        assertThat(expiry).as("stored expiry of " + id).isNotNull();
        return Long.parseLong(expiry.trim());
    }

    /** The sum of a counter over every node of the cluster. */
    protected static long sum(ClusterUnderTest cluster, java.util.function.ToLongFunction<StoreMetrics> counter) {
        long total = 0;
        for (int k = 0; k < cluster.nodes().size(); k++) {
            total += counter.applyAsLong(cluster.metrics(k));
        }
        return total;
    }

    /** A new session holding user=alice, created through the browser; returns its id. */
    protected static String sessionWithUserAlice(Browser browser, int node) {
        String id = browser.body(node, "/s?op=set&name=user&value=alice");
        assertThat(browser.body(node, "/s?op=get&name=user")).isEqualTo("alice");
        return id;
    }

    /**
     * The failure answer of failureMode=fail: 503, and no other session handed out than
     * {@code sessionId}, the one the browser sent (null: it had none).
     */
    protected static void assertFailureAnswer(Reply reply, String sessionId, String when) {
        assertThat(reply.status()).as("the answer to %s while %s", reply.request(), when).isEqualTo(503);
        assertThat(reply.handsOutAnotherSessionThan(sessionId)).as("%s hands out a new session while %s", reply, when)
                .isFalse();
    }
}
