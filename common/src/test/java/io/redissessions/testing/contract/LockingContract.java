package io.redissessions.testing.contract;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.core.store.StoreMetrics;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.Poll;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.WebNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container contract, part 6: {@code lockingMode}. Requests of one session that hold its lock
 * run one after the other across the nodes, so a read-modify-write of one attribute loses nothing;
 * a request that cannot have the lock within {@code lockWaitMillis} gets 503, never an unlocked run.
 * Requests are held at a known step with the webapp's gates ({@code op=hold}: read the counter,
 * wait at the gate, then write it plus one); the test asks the gates without a session cookie,
 * so that its own requests take no lock.
 */
public abstract class LockingContract extends ContractSupport {

    private static final Duration BOUND = Duration.ofSeconds(30);
    /** Where both containers' test harnesses deploy the webapp: what a uriPattern matches against. */
    private static final String CONTEXT_PATH = "/app";

    private ClusterSpec locking(String lockingMode, int lockWaitMillis) {
        return spec().withSetting("lockingMode", lockingMode).withSetting("lockWaitMillis", Integer.toString(lockWaitMillis));
    }

    private String gate(String name) {
        return namespace + "-" + name;
    }

    private static void awaitArrivals(WebNode node, String gate, int count) {
        assertThat(Browser.ok(Browser.getWithSessionId(node, "/s?op=gate-arrivals&gate=" + gate + "&count=" + count, null)))
                .as("%d request(s) at gate %s of %s", count, gate, node.name()).isEqualTo("arrived");
    }

    private static void release(WebNode node, String gate) {
        Browser.ok(Browser.getWithSessionId(node, "/s?op=gate-release&gate=" + gate, null));
    }

    private static String held(String gate) {
        return "/s?op=hold&gate=" + gate + "&name=n&then=incr";
    }

    private static Reply done(CompletableFuture<Reply> request) throws Exception {
        return request.get(60, TimeUnit.SECONDS);
    }

    private String lockKey(Browser browser) {
        return new SessionKeys("rs:", namespace).lockKey(browser.clusterId());
    }


    /**
     * Two requests of one session on two nodes each read the counter, then write it plus one. The
     * second starts once the first has read; without locking it reads the same value.
     */
    private String twoOverlappingIncrements(String lockingMode) throws Exception {
        ClusterUnderTest cluster = start(locking(lockingMode, 30_000));
        Browser browser = cluster.browser();
        browser.body(0, "/s?op=incr&name=n"); // n = 1
        String gate = gate("overlap");
        long waitsBefore = cluster.metrics(1).getLockWaits();

        CompletableFuture<Reply> first = browser.getAsync(0, held(gate));
        awaitArrivals(cluster.node(0), gate, 1);
        CompletableFuture<Reply> second = browser.getAsync(1, held(gate));
        if (lockingMode.equals("none")) {
            awaitArrivals(cluster.node(1), gate, 1);
        } else {
            Poll.until(BOUND, "the request on the second node waits for the lock",
                    () -> cluster.metrics(1).getLockWaits() > waitsBefore);
        }
        release(cluster.node(0), gate);
        release(cluster.node(1), gate);

        Browser.ok(done(first));
        Browser.ok(done(second));
        return browser.body(0, "/s?op=get&name=n");
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
    void concurrentClientsOnTwoNodesIncrementingOneCounterLoseNothingWithLockingModeAll() {
        ClusterUnderTest cluster = start(locking("all", 60_000));
        Browser first = cluster.browser();
        first.body(0, "/s?op=incr&name=n");
        String cookie = first.sessionId().orElseThrow();
        int clients = 6;
        int each = 15;
        List<Runnable> runs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int start = c % 2;
            runs.add(() -> {
                for (int i = 0; i < each; i++) {
                    Browser.ok(Browser.getWithSessionId(cluster.node((start + i) % 2), "/s?op=incr&name=n", cookie));
                }
            });
        }
        Concurrently.runAll(runs, "clients incrementing one counter");

        assertThat(first.body(1, "/s?op=get&name=n")).isEqualTo(String.valueOf(1 + clients * each));
    }

    /** One node that waits for locks, one that does not wait at all (lockWaitMillis=0), on one namespace. */
    private record TwoWaits(ClusterUnderTest patient, ClusterUnderTest impatient, Browser browser) {
    }

    private TwoWaits twoWaits(String lockingMode) {
        ClusterUnderTest patient = start(locking(lockingMode, 30_000).withNodes(1).withNamePrefix("patient-"));
        ClusterUnderTest impatient = start(locking(lockingMode, 0).withNodes(1).withNamePrefix("impatient-"));
        return new TwoWaits(patient, impatient, new Browser(List.of(patient.node(0), impatient.node(0))));
    }

    @Test
    void aRequestThatWaitsLongerThanLockWaitMillisIsAnswered503AndChangesNothing() throws Exception {
        TwoWaits nodes = twoWaits("all");
        Browser browser = nodes.browser();
        browser.body(0, "/s?op=incr&name=n");
        String gate = gate("holder");
        CompletableFuture<Reply> holder = browser.getAsync(0, held(gate));
        awaitArrivals(nodes.patient().node(0), gate, 1);

        Reply refused = browser.get(1, "/s?op=incr&name=n");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.handsOutAnotherSessionThan(browser.sessionId().orElseThrow())).isFalse();
        assertThat(nodes.impatient().metrics(0).getLockTimeouts()).isEqualTo(1);
        release(nodes.patient().node(0), gate);
        Browser.ok(done(holder));
        assertThat(browser.body(1, "/s?op=get&name=n")).isEqualTo("2");
    }

    @Test
    void aRequestOutsideTheUriPatternTakesNoLockAndOneInsideDoes() throws Exception {
        TwoWaits nodes = twoWaits("uriPattern:" + CONTEXT_PATH + "/cart/.*");
        Browser browser = nodes.browser();
        assertThat(URI.create(nodes.patient().node(0).baseUrl()).getPath()).as("the webapp's context path")
                .isEqualTo(CONTEXT_PATH);
        browser.body(0, "/s?op=incr&name=n");
        String gate = gate("cart");
        CompletableFuture<Reply> holder = browser.getAsync(0, "/cart" + held(gate));
        awaitArrivals(nodes.patient().node(0), gate, 1);
        String lockKey = lockKey(browser);
        assertThat(exists(redis, lockKey)).as("the cart request's lock").isTrue();

        assertThat(browser.body(1, "/s?op=get&name=n")).as("outside the pattern: not held up by the lock").isEqualTo("1");
        assertThat(nodes.impatient().metrics(0).getLockWaits()).isZero();
        assertThat(browser.get(1, "/cart/s?op=get&name=n").status()).as("inside the pattern: waits, lockWaitMillis=0")
                .isEqualTo(503);

        release(nodes.patient().node(0), gate);
        Browser.ok(done(holder));
        Poll.until(Duration.ofSeconds(10), "the lock is released", () -> !exists(redis, lockKey));
    }

    @Test
    void aLockedReadWaitsForOneRoundTripAndALockedWriteTakesTwo() {
        ClusterUnderTest cluster = start(locking("all", 30_000).withNodes(1));
        Browser browser = cluster.browser();
        browser.body("/s?op=incr&name=n");
        String lockKey = lockKey(browser);
        StoreMetrics m = cluster.metrics(0);

        long trips = m.getRoundTrips();
        long deferred = m.getDeferredLockReleases();
        CommandStats before = CommandStats.read(redis);
        assertThat(browser.body("/s?op=get&name=n")).isEqualTo("1");
        Poll.until(Duration.ofSeconds(10), "the read's lock is released after it",
                () -> !exists(redis, lockKey) && m.getDeferredLockReleases() == deferred + 1);
        assertThat(m.getRoundTrips() - trips).as("lock.lua in the request, release.lua after it").isEqualTo(2);
        assertThat(CommandStats.read(redis).minus(before)).containsEntry("evalsha", 2L);

        trips = m.getRoundTrips();
        before = CommandStats.read(redis);
        assertThat(browser.body("/s?op=incr&name=n")).isEqualTo("2");
        assertThat(m.getRoundTrips() - trips).as("lock.lua, then save.lua releasing the lock").isEqualTo(2);
        assertThat(m.getDeferredLockReleases()).isEqualTo(deferred + 1);
        assertThat(CommandStats.read(redis).minus(before)).containsEntry("evalsha", 2L).containsEntry("unlink", 1L);
        assertThat(exists(redis, lockKey)).isFalse();
    }

    @Test
    void anAsyncLockedRequestIsSavedWhenItCompletesAndItsSaveReleasesTheLock() {
        ClusterUnderTest cluster = start(locking("all", 30_000));
        Browser browser = cluster.browser();
        browser.body(0, "/s?op=incr&name=n");
        String lockKey = lockKey(browser);

        assertThat(browser.body(0, "/s?op=async&name=user&value=alice")).isEqualTo("async-done");

        assertThat(exists(redis, lockKey)).isFalse();
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(cluster.metrics(0).getDeferredLockReleases()).as("released by the save").isZero();
    }
}
