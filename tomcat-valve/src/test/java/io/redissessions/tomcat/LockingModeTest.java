package io.redissessions.tomcat;

import io.redissessions.core.store.StoreMetrics;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.Poll;
import io.redissessions.tomcat.testapp.SessionServlet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * lockingMode on two Tomcat nodes: requests of one session that hold its lock run one after the
 * other across the nodes, so a read-modify-write of one attribute loses nothing.
 */
class LockingModeTest extends NodesTestBase {

    private final List<String> holds = new ArrayList<>();

    @AfterEach
    void openHolds() {
        for (String h : holds) {
            SessionServlet.Hold hold = SessionServlet.HOLDS.remove(h);
            if (hold != null) {
                hold.open.countDown();
            }
        }
    }

    private TomcatNode start(String name, String lockingMode, String lockWaitMillis) {
        return started(node(name).manager(m -> {
            m.setProperty("lockingMode", lockingMode);
            m.setProperty("lockWaitMillis", lockWaitMillis);
        }).start());
    }

    private SessionServlet.Hold hold(String name) {
        String key = namespace + ":" + name;
        SessionServlet.Hold hold = new SessionServlet.Hold();
        SessionServlet.HOLDS.put(key, hold);
        holds.add(key);
        return hold;
    }

    private static String holdParam(SessionServlet.Hold hold) {
        return SessionServlet.HOLDS.entrySet().stream().filter(e -> e.getValue() == hold).findFirst().orElseThrow().getKey();
    }

    /**
     * Two requests of one session on two nodes each read the counter, then write it plus one. The
     * second request starts once the first has read; without locking it reads the same value.
     */
    private String twoOverlappingIncrements(String lockingMode) throws Exception {
        TomcatNode a = start("a", lockingMode, "30000");
        TomcatNode b = start("b", lockingMode, "30000");
        Browser browser = new Browser(a, b);
        browser.body(a, "/s?op=incr&name=n"); // n = 1
        SessionServlet.Hold hold = hold("h");
        String path = "/s?op=incrHeld&name=n&hold=" + holdParam(hold);
        StoreMetrics onB = b.manager.getStoreMetrics();
        long waitsBefore = onB.getLockWaits();

        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> browser.get(a, path));
        Poll.until(Duration.ofSeconds(30), "the request on a read the counter", () -> hold.arrived.get() == 1);
        CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() -> browser.get(b, path));
        Poll.until(Duration.ofSeconds(30), "the request on b read the counter, or waits for the lock",
                () -> hold.arrived.get() == 2 || onB.getLockWaits() > waitsBefore);
        hold.open.countDown();

        assertThat(first.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(second.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(hold.arrived.get()).isEqualTo(2);
        return browser.body(a, "/s?op=get&name=n");
    }

    @Test
    void withoutLockingTwoOverlappingIncrementsOnTwoNodesLoseOne() throws Exception {
        // proves the scenario can see a loss: both requests read 1 and write 2
        assertThat(twoOverlappingIncrements("none")).isEqualTo("2");
    }

    @Test
    void withLockingModeAllTwoOverlappingIncrementsOnTwoNodesLoseNothing() throws Exception {
        assertThat(twoOverlappingIncrements("all")).isEqualTo("3");
    }

    @Test
    void concurrentClientsOnTwoNodesIncrementingOneCounterLoseNothingWithLockingModeAll() throws Exception {
        TomcatNode a = start("a", "all", "60000");
        TomcatNode b = start("b", "all", "60000");
        Browser first = new Browser(a, b);
        first.body(a, "/s?op=incr&name=n");
        String cookie = first.sessionId().orElseThrow();
        int clients = 6;
        int each = 15;
        CookieClient client = new CookieClient();
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            TomcatNode start = c % 2 == 0 ? a : b;
            runs.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < each; i++) {
                    TomcatNode node = (i % 2 == 0) == (start == a) ? a : b;
                    HttpResponse<String> r = client.get(node, "/s?op=incr&name=n", cookie);
                    if (r.statusCode() != 200) {
                        throw new AssertionError("incr answered " + r.statusCode() + ": " + r.body());
                    }
                }
            }));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);

        assertThat(first.body(b, "/s?op=get&name=n")).isEqualTo(String.valueOf(1 + clients * each));
    }

    @Test
    void aRequestThatWaitsLongerThanLockWaitMillisIsAnswered503AndChangesNothing() throws Exception {
        TomcatNode a = start("a", "all", "30000");
        TomcatNode b = start("b", "all", "0");
        Browser browser = new Browser(a, b);
        browser.body(a, "/s?op=incr&name=n");
        SessionServlet.Hold hold = hold("h");
        CompletableFuture<HttpResponse<String>> holder = CompletableFuture.supplyAsync(
                () -> browser.get(a, "/s?op=incrHeld&name=n&hold=" + holdParam(hold)));
        Poll.until(Duration.ofSeconds(30), "the request on a holds the lock", () -> hold.arrived.get() == 1);

        HttpResponse<String> refused = browser.get(b, "/s?op=incr&name=n");

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(b.manager.getStoreMetrics().getLockTimeouts()).isEqualTo(1);
        hold.open.countDown();
        assertThat(holder.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(browser.body(b, "/s?op=get&name=n")).isEqualTo("2");
    }

    @Test
    void aRequestOutsideTheUriPatternTakesNoLockAndOneInsideDoes() throws Exception {
        TomcatNode a = start("a", "uriPattern:/app/cart/.*", "30000");
        TomcatNode b = start("b", "uriPattern:/app/cart/.*", "0");
        Browser browser = new Browser(a, b);
        browser.body(a, "/s?op=incr&name=n");
        SessionServlet.Hold hold = hold("h");
        CompletableFuture<HttpResponse<String>> holder = CompletableFuture.supplyAsync(
                () -> browser.get(a, "/cart/s?op=incrHeld&name=n&hold=" + holdParam(hold)));
        Poll.until(Duration.ofSeconds(30), "the cart request on a holds the lock", () -> hold.arrived.get() == 1);
        String lockKey = a.contextManager().store().keys().lockKey(RedisSessionManager.clusterId(browser.sessionId().orElseThrow()));
        assertThat(redis.command("EXISTS", lockKey)).isEqualTo(":1");

        assertThat(browser.body(b, "/s?op=get&name=n")).as("outside the pattern: not held up by the lock").isEqualTo("1");
        assertThat(b.manager.getStoreMetrics().getLockWaits()).isZero();
        assertThat(browser.get(b, "/cart/s?op=get&name=n").statusCode()).as("inside the pattern: waits, lockWaitMillis=0")
                .isEqualTo(503);

        hold.open.countDown();
        assertThat(holder.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        Poll.until(Duration.ofSeconds(10), "the lock is released", () -> redis.command("EXISTS", lockKey).equals(":0"));
    }

    @Test
    void aLockedReadWaitsForOneRoundTripAndALockedWriteTakesTwo() {
        TomcatNode a = start("a", "all", "30000");
        Browser browser = new Browser(a);
        browser.body(a, "/s?op=incr&name=n");
        String lockKey = a.contextManager().store().keys().lockKey(RedisSessionManager.clusterId(browser.sessionId().orElseThrow()));
        StoreMetrics m = a.manager.getStoreMetrics();

        long trips = m.getRoundTrips();
        long deferred = m.getDeferredLockReleases();
        CommandStats before = CommandStats.read(redis);
        assertThat(browser.body(a, "/s?op=get&name=n")).isEqualTo("1");
        Poll.until(Duration.ofSeconds(10), "the read's lock is released after it",
                () -> redis.command("EXISTS", lockKey).equals(":0") && m.getDeferredLockReleases() == deferred + 1);
        assertThat(m.getRoundTrips() - trips).as("lock.lua in the request, release.lua after it").isEqualTo(2);
        assertThat(CommandStats.read(redis).minus(before)).containsEntry("evalsha", 2L);

        trips = m.getRoundTrips();
        before = CommandStats.read(redis);
        assertThat(browser.body(a, "/s?op=incr&name=n")).isEqualTo("2");
        assertThat(m.getRoundTrips() - trips).as("lock.lua, then save.lua releasing the lock").isEqualTo(2);
        assertThat(m.getDeferredLockReleases()).isEqualTo(deferred + 1);
        assertThat(CommandStats.read(redis).minus(before)).containsEntry("evalsha", 2L).containsEntry("unlink", 1L);
        assertThat(redis.command("EXISTS", lockKey)).isEqualTo(":0");
    }

    @Test
    void anAsyncLockedRequestIsSavedWhenItCompletesAndItsSaveReleasesTheLock() {
        TomcatNode a = start("a", "all", "30000");
        TomcatNode b = start("b", "all", "30000");
        Browser browser = new Browser(a, b);
        browser.body(a, "/s?op=incr&name=n");
        String lockKey = a.contextManager().store().keys().lockKey(RedisSessionManager.clusterId(browser.sessionId().orElseThrow()));

        assertThat(browser.body(a, "/s?op=async&name=user&value=alice")).isEqualTo("async-done");

        assertThat(redis.command("EXISTS", lockKey)).isEqualTo(":0");
        assertThat(browser.body(b, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(a.manager.getStoreMetrics().getDeferredLockReleases()).as("released by the save").isZero();
    }
}
