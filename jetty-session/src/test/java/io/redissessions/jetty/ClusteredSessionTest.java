package io.redissessions.jetty;

import io.redissessions.jetty.testing.DestroyLog;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.jetty.testing.RotatingClient;
import io.redissessions.jetty.testing.SessionServlet;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several embedded Jetty nodes (distinct worker names) behind a non-sticky balancer: a client
 * that sends each request to the next node.
 */
class ClusteredSessionTest {

    private static RedisServer redis;
    private final List<JettyNode> nodes = new ArrayList<>();
    private final DestroyLog destroyed = new DestroyLog();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void emptyRedis() {
        redis.command("FLUSHALL");
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(JettyNode::close);
    }

    private List<JettyNode> cluster(int n, Consumer<JettyNode.Builder> settings) {
        for (int i = 0; i < n; i++) {
            JettyNode.Builder b = JettyNode.builder("node" + (char) ('A' + i), redis.uri()).destroyLog(destroyed);
            settings.accept(b);
            nodes.add(b.start());
        }
        return nodes;
    }

    private List<JettyNode> cluster(int n) {
        return cluster(n, b -> { });
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    // ------------------------------------------------------------------ sharing

    @Test
    void sessionSetOnOneNodeIsSeenByEveryNode() {
        List<JettyNode> cluster = cluster(3);
        RotatingClient client = new RotatingClient(cluster);
        client.ok("op=set&name=user&value=alice");
        for (JettyNode node : cluster) {
            assertThat(client.ok(node, "op=get&name=user")).isEqualTo("alice");
        }
    }

    @Test
    void counterIncrementedOnAlternatingNodesLosesNoIncrement() {
        RotatingClient client = new RotatingClient(cluster(2));
        for (int i = 1; i <= 20; i++) {
            assertThat(client.ok("op=inc&name=n")).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void backToBackRequestsOnOneNodeLoseNothing() {
        List<JettyNode> cluster = cluster(2);
        RotatingClient client = new RotatingClient(cluster);
        JettyNode a = cluster.get(0);
        for (int i = 1; i <= 50; i++) {
            assertThat(client.ok(a, "op=inc&name=n")).isEqualTo(Integer.toString(i));
        }
        assertThat(client.ok(cluster.get(1), "op=get&name=n")).isEqualTo("50");
    }

    @Test
    void concurrentRequestsOnOneNodeChangingDifferentAttributesLoseNothing() throws Exception {
        List<JettyNode> cluster = cluster(2);
        RotatingClient client = new RotatingClient(cluster);
        JettyNode a = cluster.get(0);
        client.ok(a, "op=set&name=start&value=1");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String name = "c" + t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        client.ok(a, "op=inc&name=" + name);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int t = 0; t < 4; t++) {
            assertThat(client.ok(cluster.get(1), "op=get&name=c" + t)).isEqualTo("10");
        }
    }

    @Test
    void twoConcurrentRequestsOnTwoNodesChangingDifferentAttributesLoseNothing() throws Exception {
        List<JettyNode> cluster = cluster(2);
        RotatingClient client = new RotatingClient(cluster);
        client.ok(cluster.get(0), "op=set&name=start&value=1");
        String latch = "two-nodes-" + System.nanoTime();
        CompletableFuture<String> onA = CompletableFuture.supplyAsync(
                () -> client.ok(cluster.get(0), "op=await&name=a&value=fromA&latch=" + latch));
        // A has loaded the session and set a; B now loads, sets b and finishes first
        assertThat(SessionServlet.ARRIVED.computeIfAbsent(latch, k -> new CountDownLatch(1))
                .await(20, TimeUnit.SECONDS)).isTrue();
        client.ok(cluster.get(1), "op=set&name=b&value=fromB");
        SessionServlet.RELEASE.computeIfAbsent(latch, k -> new CountDownLatch(1)).countDown();
        assertThat(onA.get(30, TimeUnit.SECONDS)).isEqualTo("ok");

        assertThat(client.ok(cluster.get(1), "op=get&name=a")).isEqualTo("fromA");
        assertThat(client.ok(cluster.get(0), "op=get&name=b")).isEqualTo("fromB");
    }

    @Test
    void objectChangedInPlaceIsSavedBeforeTheResponse() {
        RotatingClient client = new RotatingClient(cluster(3));
        for (String item : List.of("apple", "pear", "plum", "fig")) {
            client.ok("op=cart-add&value=" + item);
        }
        assertThat(client.ok("op=get&name=cart")).isEqualTo("[apple, pear, plum, fig]");
    }

    @Test
    void attributeOfAWebappOnlyClassIsSharedAcrossNodes() {
        List<JettyNode> cluster = cluster(2);
        RotatingClient client = new RotatingClient(cluster);
        client.ok(cluster.get(0), "op=foo-set&value=7");
        assertThat(client.ok(cluster.get(1), "op=foo-get")).isEqualTo("7 webappLoader=true");
    }

    // ------------------------------------------------------------------ invalidation and expiry

    @Test
    void invalidationOnOneNodeIsSeenEverywhereAndDestroysOnce() {
        List<JettyNode> cluster = cluster(3);
        RotatingClient client = new RotatingClient(cluster);
        client.ok(cluster.get(0), "op=set&name=user&value=alice");
        String id = client.sessionId();
        client.ok(cluster.get(1), "op=invalidate");
        for (JettyNode node : cluster) {
            assertThat(client.ok(node, "op=get&name=user")).isEqualTo("no-session");
            node.scavenge();
        }
        assertThat(destroyed.callsFor(id)).hasSize(1).first()
                .satisfies(c -> assertThat(c.node()).isEqualTo("nodeB"))
                .satisfies(c -> assertThat(c.attributes()).isEqualTo(Map.of("user", "alice")));
    }

    @Test
    void sessionKeptAliveOnOneNodeIsNeverExpiredByAnother() throws Exception {
        List<JettyNode> cluster = cluster(2, b -> b.maxInactiveSeconds(3));
        RotatingClient client = new RotatingClient(cluster);
        JettyNode a = cluster.get(0);
        JettyNode idle = cluster.get(1);
        client.ok(a, "op=set&name=user&value=alice");
        String id = client.sessionId();
        long end = System.currentTimeMillis() + 6500; // over two max inactive intervals
        while (System.currentTimeMillis() < end) {
            assertThat(client.ok(a, "op=get&name=user")).isEqualTo("alice");
            idle.scavenge();
            Thread.sleep(300); // the user's think time
        }
        assertThat(destroyed.callsFor(id)).isEmpty();
        assertThat(client.ok(idle, "op=get&name=user")).isEqualTo("alice");
    }

    @Test
    void orphanedSessionIsExpiredOnceByTheSurvivingNodes() throws Exception {
        List<JettyNode> cluster = cluster(3, b -> b.maxInactiveSeconds(1));
        RotatingClient client = new RotatingClient(cluster);
        client.ok(cluster.get(0), "op=set&name=user&value=alice");
        String id = client.sessionId();
        cluster.get(0).stop(); // its node is gone
        JettyNode b = cluster.get(1);
        JettyNode c = cluster.get(2);
        await("sessionDestroyed of the orphan", Duration.ofSeconds(15), () -> {
            b.scavenge();
            c.scavenge();
            return !destroyed.callsFor(id).isEmpty();
        });
        for (int i = 0; i < 3; i++) {
            b.scavenge();
            c.scavenge();
        }
        assertThat(destroyed.callsFor(id)).hasSize(1).first()
                .satisfies(call -> assertThat(call.node()).isIn("nodeB", "nodeC"))
                .satisfies(call -> assertThat(call.attributes()).isEqualTo(Map.of("user", "alice")));
        assertThat(client.ok(b, "op=get&name=user")).isEqualTo("no-session");
    }

    @Test
    void expiredSessionIsDestroyedOnceAcrossNodesEvenWhenRequestedAfterExpiry() throws Exception {
        List<JettyNode> cluster = cluster(3, b -> b.maxInactiveSeconds(1));
        RotatingClient client = new RotatingClient(cluster);
        client.ok(cluster.get(0), "op=set&name=user&value=alice");
        String id = client.sessionId();
        Thread.sleep(1500); // let it expire
        // a request for the expired session gets none, and fires no listener itself
        assertThat(client.ok(cluster.get(1), "op=get&name=user")).isEqualTo("no-session");
        await("sessionDestroyed", Duration.ofSeconds(10), () -> {
            cluster.forEach(JettyNode::scavenge);
            return !destroyed.callsFor(id).isEmpty();
        });
        cluster.forEach(JettyNode::scavenge);
        assertThat(destroyed.callsFor(id)).hasSize(1);
    }

    @Test
    void jettysHouseKeeperExpiresSessionsAtEveryScavengeNotOnlyTheFirst() throws Exception {
        List<JettyNode> cluster = cluster(2, b -> b.maxInactiveSeconds(1).scavengeIntervalSec(1));
        Thread.sleep(1500); // past the first scavenge of both nodes
        RotatingClient client = new RotatingClient(cluster);
        client.ok("op=set&name=user&value=alice");
        String id = client.sessionId();
        await("the HouseKeeper to expire the session", Duration.ofSeconds(15),
                () -> !destroyed.callsFor(id).isEmpty());
        Thread.sleep(2500); // two more scavenges of each node
        assertThat(destroyed.callsFor(id)).hasSize(1);
    }

    // ------------------------------------------------------------------ round trips

    @Test
    void readOnlyRequestMakesOneRoundTripAndAChangingOneAtMostTwo() {
        List<JettyNode> cluster = cluster(2);
        RotatingClient client = new RotatingClient(cluster);
        JettyNode a = cluster.get(0);
        client.ok(a, "op=set&name=user&value=alice"); // creates it (and warms up the scripts)
        client.ok(a, "op=set&name=user&value=bob");

        long before = a.store().getRoundTrips();
        assertThat(client.ok(a, "op=get&name=user")).isEqualTo("bob");
        assertThat(a.store().getRoundTrips() - before).as("read-only request").isEqualTo(1);

        before = a.store().getRoundTrips();
        client.ok(a, "op=set&name=user&value=carol");
        assertThat(a.store().getRoundTrips() - before).as("request that changes its session").isBetween(1L, 2L);

        before = a.store().getRoundTrips();
        client.ok(a, "op=cart-add&value=x");
        client.ok(a, "op=cart-add&value=y"); // in place
        assertThat(a.store().getRoundTrips() - before).as("two in-place changes").isEqualTo(4);

        before = a.store().getRoundTrips();
        client.ok(a, "op=none");
        assertThat(a.store().getRoundTrips() - before).as("request that does not touch its session")
                .isLessThanOrEqualTo(1);
    }
}
