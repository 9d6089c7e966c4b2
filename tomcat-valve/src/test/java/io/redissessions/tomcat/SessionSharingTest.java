package io.redissessions.tomcat;

import io.redissessions.testing.CommandStats;
import io.redissessions.tomcat.testapp.SessionEvents;
import io.redissessions.tomcat.testapp.SessionServlet;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Two or three embedded nodes, one browser rotating its requests across them. */
class SessionSharingTest extends NodesTestBase {

    @Test
    void attributeSetOnOneNodeIsReadOnTheOthers() {
        TomcatNode a = start("a");
        TomcatNode b = start("b");
        TomcatNode c = start("c");
        Browser browser = new Browser(a, b, c);

        browser.body("/s?op=set&name=user&value=alice");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        browser.body("/s?op=set&name=user&value=bob");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
        assertThat(SessionEvents.created(browser.sessionId().orElseThrow())).isEqualTo(1);
    }

    @Test
    void objectChangedInPlaceIsSaved() {
        TomcatNode a = start("a");
        TomcatNode b = start("b");
        Browser browser = new Browser(a, b);

        browser.body("/s?op=append&name=cart&value=apple");
        browser.body("/s?op=append&name=cart&value=pear");
        browser.body("/s?op=append&name=cart&value=plum");
        assertThat(browser.body("/s?op=get&name=cart")).isEqualTo("[apple, pear, plum]");
        assertThat(browser.body("/s?op=get&name=cart")).isEqualTo("[apple, pear, plum]");
    }

    @Test
    void concurrentRequestsOnTwoNodesChangingDifferentAttributesLoseNothing() throws Exception {
        TomcatNode a = start("a");
        TomcatNode b = start("b");
        Browser browser = new Browser(a, b);
        browser.body(a, "/s?op=set&name=x&value=0");
        browser.body(b, "/s?op=set&name=y&value=0");
        String barrier = namespace;
        SessionServlet.BARRIERS.put(barrier, new CyclicBarrier(2));

        // both requests load the session, meet at the barrier, then change one attribute each
        CompletableFuture<HttpResponse<String>> onA = CompletableFuture.supplyAsync(
                () -> browser.get(a, "/s?op=setAfterBarrier&barrier=" + barrier + "&name=x&value=fromA"));
        CompletableFuture<HttpResponse<String>> onB = CompletableFuture.supplyAsync(
                () -> browser.get(b, "/s?op=setAfterBarrier&barrier=" + barrier + "&name=y&value=fromB"));
        assertThat(onA.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(onB.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        assertThat(browser.body("/s?op=get&name=x")).isEqualTo("fromA");
        assertThat(browser.body("/s?op=get&name=y")).isEqualTo("fromB");
        assertThat(browser.body("/s?op=get&name=x")).isEqualTo("fromA");
        assertThat(browser.body("/s?op=get&name=y")).isEqualTo("fromB");
    }

    @Test
    void invalidateOnOneNodeIsSeenByAll() {
        TomcatNode a = start("a");
        TomcatNode b = start("b");
        Browser browser = new Browser(a, b);
        String id = browser.body(a, "/s?op=set&name=user&value=alice");

        assertThat(browser.body(b, "/s?op=invalidate")).isEqualTo("invalidated");

        assertThat(browser.body(a, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(browser.body(b, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(SessionEvents.destroyed(id)).isEqualTo(1);
    }

    @Test
    void changeSessionIdKeepsTheSessionOnEveryNode() {
        TomcatNode a = start("a");
        TomcatNode b = start("b");
        Browser browser = new Browser(a, b);
        String oldId = browser.body(a, "/s?op=set&name=user&value=alice");

        String newId = browser.body(b, "/s?op=changeId");

        assertThat(newId).isNotEqualTo(oldId);
        assertThat(browser.sessionId()).contains(newId);
        assertThat(browser.body(a, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body(a, "/s?op=id")).isEqualTo(newId);
        assertThat(browser.body(b, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(redis.command("EXISTS", a.contextManager().store().keys().sessionKey(oldId))).isEqualTo(":0");
    }

    @Test
    void changeSessionIdCarriesChangesMadeEarlierInTheSameRequest() {
        TomcatNode a = start("a");
        TomcatNode b = start("b");
        Browser browser = new Browser(a, b);
        browser.body(a, "/s?op=append&name=cart&value=apple");
        browser.body(b, "/s?op=append&name=cart&value=pear");
        String newId = browser.body(a, "/s?op=changeId");
        assertThat(browser.body(b, "/s?op=id")).isEqualTo(newId);
        assertThat(browser.body(b, "/s?op=get&name=cart")).isEqualTo("[apple, pear]");
    }

    @Test
    void asyncRequestSavesWhenItCompletes() {
        TomcatNode a = start("a");
        TomcatNode b = start("b");
        Browser browser = new Browser(a, b);
        browser.body(a, "/s?op=set&name=user&value=alice");

        assertThat(browser.body(b, "/s?op=async&name=mood&value=calm")).isEqualTo("async-done");

        assertThat(browser.body(a, "/s?op=get&name=mood")).isEqualTo("calm");
        assertThat(browser.body(a, "/s?op=get&name=user")).isEqualTo("alice");
    }

    @Test
    void requestThatReadsAndChangesNothingCostsOneRoundTripAndAChangeCostsTwo() {
        TomcatNode a = start("a");
        Browser browser = new Browser(a);
        browser.body("/s?op=set&name=user&value=alice");
        browser.body("/s?op=set&name=user&value=bob"); // scripts are loaded on the server by now
        RedisSessionManager m = a.contextManager();

        long before = m.getStoreMetrics().getRoundTrips();
        long skippedBefore = m.getStoreMetrics().getSkippedWrites();
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
        assertThat(m.getStoreMetrics().getRoundTrips() - before).isEqualTo(1);
        assertThat(m.getStoreMetrics().getSkippedWrites() - skippedBefore).isEqualTo(1);

        before = m.getStoreMetrics().getRoundTrips();
        browser.body("/s?op=set&name=user&value=carol");
        assertThat(m.getStoreMetrics().getRoundTrips() - before).isEqualTo(2);

        before = m.getStoreMetrics().getRoundTrips();
        browser.body("/s?op=valid");
        browser.body("/s?op=names");
        assertThat(m.getStoreMetrics().getRoundTrips() - before).isEqualTo(2); // one per request, however often Tomcat asks
    }

    @Test
    void redisSeesHgetallForAReadAndOneScriptForAChange() {
        TomcatNode a = start("a");
        Browser browser = new Browser(a);
        browser.body("/s?op=set&name=user&value=alice");
        browser.body("/s?op=set&name=user&value=bob");

        CommandStats before = CommandStats.read(redis);
        browser.body("/s?op=get&name=user");
        CommandStats afterRead = CommandStats.read(redis);
        browser.body("/s?op=set&name=user&value=carol");
        CommandStats afterChange = CommandStats.read(redis);

        // a read is one script (Redis's clock and the hash); Redis counts what it runs inside itself too
        assertThat(afterRead.minus(before)).isEqualTo(java.util.Map.of("evalsha_ro", 1L, "time", 1L, "hgetall", 1L));
        assertThat(afterChange.minus(afterRead)).containsEntry("hgetall", 1L).containsEntry("evalsha_ro", 1L).containsEntry("evalsha", 1L)
                .doesNotContainKeys("eval", "multi", "exec");
    }

    @Test
    void stoppingANodeKeepsItsSessionsInRedis() {
        TomcatNode a = start("a");
        TomcatNode b = start("b");
        Browser browser = new Browser(a, b);
        String id = browser.body(a, "/s?op=set&name=user&value=alice");

        a.stop();

        assertThat(browser.body(b, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(SessionEvents.destroyed(id)).isZero();
    }
}
