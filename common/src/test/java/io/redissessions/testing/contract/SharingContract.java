package io.redissessions.testing.contract;

import io.redissessions.core.store.StoreMetrics;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.WebNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container contract, part 1: one session seen by every node of a non-sticky cluster, changes
 * (in place ones too) saved before the response, concurrent requests, a changed id, and what a
 * request costs in Redis round trips.
 */
public abstract class SharingContract extends ContractSupport {

    @Test
    void attributeSetOnOneNodeIsReadOnEveryNode() {
        ClusterUnderTest cluster = start(3);
        Browser browser = cluster.browser();
        browser.body("/s?op=set&name=user&value=alice");
        for (int k = 0; k < 3; k++) {
            assertThat(browser.body(k, "/s?op=get&name=user")).as("node " + k).isEqualTo("alice");
        }
        browser.body("/s?op=set&name=user&value=bob");
        for (int k = 0; k < 3; k++) {
            assertThat(browser.body(k, "/s?op=get&name=user")).as("node " + k).isEqualTo("bob");
        }
        assertThat(cluster.events().created(browser.clusterId())).as("sessionCreated calls").hasSize(1);
    }

    @Test
    void listChangedInPlaceIsSavedBeforeTheResponse() {
        ClusterUnderTest cluster = start(3);
        Browser browser = cluster.browser();
        for (String item : List.of("apple", "pear", "plum", "fig")) {
            browser.body("/s?op=append&name=cart&value=" + item); // the next request goes to the next node
        }
        for (int k = 0; k < 3; k++) {
            assertThat(browser.body(k, "/s?op=get&name=cart")).isEqualTo("[apple, pear, plum, fig]");
        }
    }

    @Test
    void objectOfAWebappClassChangedInPlaceTravelsBetweenNodes() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        assertThat(browser.body(0, "/s?op=basket-add&value=apple")).isEqualTo("[apple]");
        assertThat(browser.body(1, "/s?op=basket-add&value=pear")).isEqualTo("[apple, pear]");
        assertThat(browser.body(0, "/s?op=basket-add&value=plum")).isEqualTo("[apple, pear, plum]");
        assertThat(browser.body(1, "/s?op=basket")).isEqualTo("[apple, pear, plum] loader=webapp");
        assertThat(browser.body(0, "/s?op=basket")).isEqualTo("[apple, pear, plum] loader=webapp");
    }

    @Test
    void objectOfAWebappClassTravelsWithTheJavaCodecToo() {
        ClusterUnderTest cluster = start(spec().withCodec("java"));
        Browser browser = cluster.browser();
        assertThat(browser.body(0, "/s?op=basket-add&value=apple")).isEqualTo("[apple]");
        assertThat(browser.body(1, "/s?op=basket-add&value=pear")).isEqualTo("[apple, pear]");
        assertThat(browser.body(0, "/s?op=basket")).isEqualTo("[apple, pear] loader=webapp");
    }

    @Test
    void counterIncrementedOnAlternatingNodesLosesNoIncrement() {
        Browser browser = start(2).browser();
        for (int i = 1; i <= 20; i++) {
            assertThat(browser.body("/s?op=incr&name=n")).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void concurrentRequestsOnTwoNodesChangingDifferentAttributesBothSurvive() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        browser.body(0, "/s?op=set&name=x&value=0");
        browser.body(1, "/s?op=set&name=y&value=0");

        // both requests load the session and wait; then both change one attribute each
        List<Reply> replies = Gate.holdTogether(browser, cluster.nodes(),
                List.of("name=x&then=set&value=fromA", "name=y&then=set&value=fromB"));
        assertThat(replies).extracting(Browser::ok).containsExactly("ok", "ok");

        for (int k = 0; k < 2; k++) {
            assertThat(browser.body(k, "/s?op=get&name=x")).as("x on node " + k).isEqualTo("fromA");
            assertThat(browser.body(k, "/s?op=get&name=y")).as("y on node " + k).isEqualTo("fromB");
        }
    }

    /**
     * Concurrent requests of one session on one node share one session object, as the Servlet
     * specification and both containers' own managers have it: {@code synchronized (session)}
     * then protects a read-modify-write. Each request reads the counter before any of them
     * writes (they meet at a gate), so with a copy per request all but one increment are lost.
     */
    @Test
    void concurrentRequestsOnOneNodeShareOneSessionObject() throws Exception {
        int parties = 8;
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        browser.body(0, "/s?op=set&name=start&value=1");

        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < parties; i++) {
            replies.add(browser.getAsync(0, "/s?op=incr&name=n&gate=incr&parties=" + parties));
        }
        List<Integer> values = new ArrayList<>();
        for (CompletableFuture<Reply> r : replies) {
            values.add(Integer.parseInt(Browser.ok(r.get(90, TimeUnit.SECONDS))));
        }

        assertThat(values).as("the values the %d concurrent increments saw under synchronized (session)", parties)
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, parties).boxed().toList());
        assertThat(browser.body(1, "/s?op=get&name=n")).as("the counter in Redis").isEqualTo(Integer.toString(parties));
    }

    @Test
    void concurrentRequestsOnOneNodeChangingDifferentAttributesLoseNothing() throws Exception {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        browser.body(0, "/s?op=set&name=start&value=1");
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String name = "c" + t;
            workers.add(Concurrently.onOwnThread("incr-" + name, () -> {
                for (int i = 0; i < 10; i++) {
                    browser.body(0, "/s?op=incr&name=" + name);
                }
                return null;
            }));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        for (int t = 0; t < 4; t++) {
            assertThat(browser.body(1, "/s?op=get&name=c" + t)).as("c" + t).isEqualTo("10");
        }
    }

    @Test
    void changedSessionIdKeepsTheSessionOnEveryNode() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        String oldId = browser.body(0, "/s?op=set&name=user&value=alice");
        browser.body(1, "/s?op=append&name=cart&value=apple");

        String newId = browser.body(1, "/s?op=changeId");

        assertThat(Browser.clusterId(newId)).isNotEqualTo(Browser.clusterId(oldId));
        assertThat(browser.clusterId()).as("the browser's session").isEqualTo(Browser.clusterId(newId));
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body(0, "/s?op=get&name=cart")).isEqualTo("[apple]");
        assertThat(Browser.clusterId(browser.body(0, "/s?op=id"))).isEqualTo(Browser.clusterId(newId));
        assertThat(exists(redis, sessionKey(oldId))).as("the old id's key").isFalse();
        assertThat(Browser.getWithSessionId(cluster.node(0), "/s?op=get&name=user", oldId).body())
                .as("a request with the old id").isEqualTo("no-session");
        assertThat(cluster.events().destroyed(oldId)).as("sessionDestroyed calls").isEmpty();
    }

    @Test
    void changeMadeInTheRequestThatChangesTheIdTravelsWithTheNewId() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        browser.body(0, "/s?op=append&name=cart&value=apple");
        browser.body(1, "/s?op=append&name=cart&value=pear");

        String newId = browser.body(0, "/s?op=changeId&name=user&value=alice");

        assertThat(Browser.clusterId(browser.body(1, "/s?op=id"))).isEqualTo(Browser.clusterId(newId));
        assertThat(browser.body(1, "/s?op=get&name=cart")).isEqualTo("[apple, pear]");
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("alice");
    }

    /**
     * Concurrent requests of one session on one node, without a lock, each changing the session in
     * turn while the others are in flight (they all loaded the session first, and stay until all
     * have changed it): each sees what the previous one wrote into the shared object, and the last
     * save holds every change. Four sessions at once, four requests each.
     */
    @Test
    void concurrentRequestsOnOneNodeSeeEachOthersChangesWithoutALock() throws Exception {
        int sessions = 4;
        int parties = 4;
        ClusterUnderTest cluster = start(2);
        WebNode node = cluster.node(0);
        List<Browser> browsers = new ArrayList<>();
        List<List<CompletableFuture<Reply>>> replies = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            Browser browser = cluster.browser();
            browser.body(0, "/s?op=set&name=start&value=1");
            browsers.add(browser);
            List<CompletableFuture<Reply>> ofSession = new ArrayList<>();
            for (int i = 0; i < parties; i++) {
                ofSession.add(browser.getAsync(node, "/s?op=hold&gate=" + turnGate(s, i) + "&name=n&then=incr&after="
                        + doneGate(s)));
            }
            replies.add(ofSession);
        }
        for (int s = 0; s < sessions; s++) {
            for (int i = 0; i < parties; i++) {
                Gate.awaitArrivals(node, turnGate(s, i), 1); // every request has loaded its session
            }
        }
        for (int i = 0; i < parties; i++) {
            for (int s = 0; s < sessions; s++) {
                Gate.release(node, turnGate(s, i));
            }
            for (int s = 0; s < sessions; s++) {
                Gate.awaitArrivals(node, doneGate(s), i + 1); // request i of session s has changed it
            }
        }
        for (int s = 0; s < sessions; s++) {
            Gate.release(node, doneGate(s));
        }

        for (int s = 0; s < sessions; s++) {
            List<String> values = new ArrayList<>();
            for (CompletableFuture<Reply> r : replies.get(s)) {
                values.add(Browser.ok(r.get(60, TimeUnit.SECONDS)));
            }
            assertThat(values).as("what each request of session %d wrote", s).containsExactly("1", "2", "3", "4");
            assertThat(browsers.get(s).body(1, "/s?op=get&name=n")).as("the counter of session %d in Redis", s)
                    .isEqualTo(Integer.toString(parties));
        }
    }

    /** Exactly the load script: one EVALSHA or EVALSHA_RO running TIME and HGETALL. */
    private static void assertLoadOnly(Map<String, Long> commands, String what) {
        assertLoadsOnly(commands, 1, what);
    }

    /** {@code commands} are those of {@code loads} runs of the load script, and nothing else. */
    private static void assertLoadsOnly(Map<String, Long> commands, long loads, String what) {
        Map<String, Long> others = new java.util.HashMap<>(commands);
        long scripts = others.getOrDefault("evalsha", 0L) + others.getOrDefault("evalsha_ro", 0L);
        others.remove("evalsha");
        others.remove("evalsha_ro");
        assertThat(scripts).as(what + ": scripts in %s", commands).isEqualTo(loads);
        assertThat(others).as(what).isEqualTo(Map.of("time", loads, "hgetall", loads));
    }

    private String turnGate(int session, int request) {
        return "turn-" + namespace + "-" + session + "-" + request;
    }

    private String doneGate(int session) {
        return "done-" + namespace + "-" + session;
    }

    @Test
    void asyncRequestSavesWhenItCompletes() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        browser.body(0, "/s?op=set&name=user&value=alice");

        assertThat(browser.body(1, "/s?op=async&name=mood&value=calm")).isEqualTo("async-done");

        assertThat(browser.body(0, "/s?op=get&name=mood")).isEqualTo("calm");
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("alice");
    }

    @Test
    void stoppingANodeKeepsItsSessionsForTheOthers() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        String id = browser.body(0, "/s?op=set&name=user&value=alice");

        cluster.stopNode(0);

        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(cluster.events().destroyed(id)).isEmpty();
    }

    /**
     * A request that reads its session costs one round trip (the load script: Redis's TIME and the
     * hash), however often it asks for its session; one that changes it two (the load and the save
     * script); nothing is written when nothing changed.
     */
    @Test
    void readCostsOneRoundTripAndAChangeTwoAndNothingIsWrittenWhenNothingChanged() {
        ClusterUnderTest cluster = start(1);
        StoreMetrics metrics = cluster.metrics(0);
        Browser browser = cluster.browser();
        browser.body("/s?op=set&name=user&value=alice");
        browser.body("/s?op=set&name=user&value=bob"); // the scripts are loaded in Redis by now

        CommandStats before = CommandStats.read(redis);
        long trips = metrics.getRoundTrips();
        long saves = metrics.getSaves();
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
        CommandStats afterRead = CommandStats.read(redis);
        long tripsAfterRead = metrics.getRoundTrips();
        long savesAfterRead = metrics.getSaves();
        browser.body("/s?op=set&name=user&value=carol");
        CommandStats afterChange = CommandStats.read(redis);
        long tripsAfterChange = metrics.getRoundTrips();
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("carol");
        CommandStats afterSecondRead = CommandStats.read(redis);
        long tripsBeforeAsking = metrics.getRoundTrips();
        browser.body("/s?op=valid");
        browser.body("/s?op=names");
        long tripsAfterAsking = metrics.getRoundTrips();

        // Redis counts the commands a script runs as well as the script; the load script may be
        // run read-only (EVALSHA_RO) or not
        assertLoadOnly(afterRead.minus(before), "commands of a read");
        assertThat(tripsAfterRead - trips).as("round trips of a read").isEqualTo(1);
        assertThat(savesAfterRead - saves).as("saves of a read").isZero();
        Map<String, Long> change = afterChange.minus(afterRead);
        assertThat(change).as("commands of a change").containsEntry("hgetall", 1L).containsEntry("evalsha",
                2L - change.getOrDefault("evalsha_ro", 0L)).doesNotContainKeys("eval", "eval_ro", "multi", "exec");
        assertThat(tripsAfterChange - tripsAfterRead).as("round trips of a change").isEqualTo(2);
        assertLoadOnly(afterSecondRead.minus(afterChange), "commands of a read right after a change");
        assertThat(tripsAfterAsking - tripsBeforeAsking).as("round trips of two requests that ask several times")
                .isEqualTo(2);
    }

    /**
     * A session that moves to another node (round-robin balancing) costs that node one round trip
     * per read as well, and nothing is written: not even when the container hands out the cookie
     * again there (Jetty does, for an id whose node suffix names another node).
     */
    @Test
    void readOnAnotherNodeWritesNothing() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        browser.body(0, "/s?op=set&name=user&value=alice");
        browser.body(0, "/s?op=set&name=user&value=bob"); // the scripts are loaded in Redis by now

        long saves = sum(cluster, StoreMetrics::getSaves);
        CommandStats before = CommandStats.read(redis);
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("bob");
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("bob");
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("bob");

        assertLoadsOnly(CommandStats.read(redis).minus(before), 3, "commands of three reads on alternating nodes");
        assertThat(sum(cluster, StoreMetrics::getSaves) - saves).as("saves of reads").isZero();
    }

    /**
     * nearCache=on: a node answers an unchanged session from its copy (the load script says
     * "unchanged"), and a session another node changed is read whole, never served from the copy.
     */
    @Test
    void aNodeServesItsNearCacheCopyOnlyWhileNoOtherNodeChangedTheSession() {
        ClusterUnderTest cluster = start(spec().withSetting("nearCache", "on"));
        Browser browser = cluster.browser();
        browser.body(0, "/s?op=set&name=user&value=alice");
        StoreMetrics onA = cluster.metrics(0);

        long hits = onA.getNearCacheHits();
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(onA.getNearCacheHits() - hits).as("loads answered 'unchanged'").isEqualTo(2);

        browser.body(1, "/s?op=set&name=user&value=bob");
        hits = onA.getNearCacheHits();
        assertThat(browser.body(0, "/s?op=get&name=user")).as("the other node's write, never the old copy").isEqualTo("bob");
        assertThat(onA.getNearCacheHits()).isEqualTo(hits);
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("bob");
        assertThat(onA.getNearCacheHits()).isEqualTo(hits + 1);
    }
}
