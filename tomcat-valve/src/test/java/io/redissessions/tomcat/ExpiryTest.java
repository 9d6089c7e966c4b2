package io.redissessions.tomcat;

import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.StoredSession;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;
import io.redissessions.tomcat.testapp.SessionEvents;
import io.redissessions.tomcat.testapp.Tracked;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expiry is decided by what Redis holds, on Redis's clock, and each expired session's listeners
 * run once across the cluster. Sessions expire for real, in a second or two of Redis's time (the
 * nodes' clocks cannot make them expire); the background work that Tomcat's thread runs every few
 * seconds is called directly.
 */
class ExpiryTest extends NodesTestBase {

    private MutableClock clock;

    @BeforeEach
    void clock() {
        clock = MutableClock.startingNow();
    }

    private TomcatNode startNode(String name) {
        return started(node(name).clock(clock).start());
    }

    private static StoredSession stored(TomcatNode node, String id) {
        return node.contextManager().store().load(RedisSessionManager.clusterId(id));
    }

    /** Waits until Redis's clock has passed the stored expiry of these sessions. */
    private static void awaitExpiredInRedis(TomcatNode node, List<String> ids) {
        Poll.until(Duration.ofSeconds(30), "the sessions expire by Redis's clock", () -> ids.stream()
                .map(id -> stored(node, id)).allMatch(s -> s == null || s.isExpired()));
    }

    @Test
    void sessionKeptAliveByRequestsToOneNodeIsNeverExpiredByAnIdleNode() {
        TomcatNode a = startNode("a");
        TomcatNode idle = startNode("idle");
        Browser browser = new Browser(a);
        String id = browser.body("/s?op=set&name=user&value=alice");
        browser.body("/s?op=maxInactive&value=2"); // touch interval: 0.2 s
        RedisSessionStore store = a.contextManager().store();
        long firstExpiry = stored(a, id).expiryMillis();

        for (int i = 0; i < 2; i++) {
            long lastSave = stored(a, id).expiryMillis() - 2_000;
            Poll.until(Duration.ofSeconds(30), "a second of Redis's time since the last save",
                    () -> store.load(RedisSessionManager.clusterId(id)).redisTimeMillis() >= lastSave + 1_000);
            assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
            idle.backgroundProcess();
            a.backgroundProcess();
        }
        assertThat(stored(a, id).redisTimeMillis()).as("kept alive past its first expiry")
                .isGreaterThanOrEqualTo(firstExpiry);
        assertThat(SessionEvents.destroyed(id)).isZero();

        awaitExpiredInRedis(a, List.of(id));
        idle.backgroundProcess();
        a.backgroundProcess();
        assertThat(SessionEvents.destroyed(id)).isEqualTo(1);
        assertThat(SessionEvents.USER_AT_DESTROY).containsEntry(id, "alice");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("no-session");
    }

    @Test
    void expiredSessionFiresDestroyedAndValueUnboundExactlyOnceAcrossNodes() throws Exception {
        TomcatNode a = startNode("a");
        TomcatNode b = startNode("b");
        TomcatNode c = startNode("c");
        List<String> ids = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Browser browser = new Browser(a, b, c);
            String label = namespace + "-" + i;
            browser.body("/s?op=tracked&name=tracked&value=" + label);
            browser.body("/s?op=set&name=user&value=user" + i);
            ids.add(browser.body("/s?op=maxInactive&value=1"));
            labels.add(label);
        }

        awaitExpiredInRedis(a, ids);
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (TomcatNode n : List.of(a, b, c)) {
                runs.add(CompletableFuture.runAsync(n::backgroundProcess));
            }
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get();

        for (int i = 0; i < ids.size(); i++) {
            assertThat(SessionEvents.destroyed(ids.get(i))).as("sessionDestroyed of " + ids.get(i)).isEqualTo(1);
            assertThat(Tracked.unbound(labels.get(i))).as("valueUnbound of " + labels.get(i)).isEqualTo(1);
            assertThat(SessionEvents.USER_AT_DESTROY).containsEntry(ids.get(i), "user" + i);
        }
        long claimed = a.contextManager().getStoreMetrics().getExpiredClaimed() + b.contextManager().getStoreMetrics().getExpiredClaimed()
                + c.contextManager().getStoreMetrics().getExpiredClaimed();
        assertThat(claimed).isEqualTo(ids.size());
    }

    @Test
    void maxInactiveIntervalIsHonouredPerSession() {
        TomcatNode a = startNode("a");
        TomcatNode b = startNode("b");
        Browser shortLived = new Browser(a, b);
        Browser longLived = new Browser(a, b);
        String shortId = shortLived.body("/s?op=maxInactive&value=1");
        String longId = longLived.body("/s?op=set&name=user&value=bob"); // the context's 30 minutes
        assertThat(longLived.body("/s?op=getMaxInactive")).isEqualTo("1800");

        awaitExpiredInRedis(b, List.of(shortId));
        b.backgroundProcess();

        assertThat(SessionEvents.destroyed(shortId)).isEqualTo(1);
        assertThat(SessionEvents.destroyed(longId)).isZero();
        assertThat(shortLived.body("/s?op=id")).isEqualTo("no-session");
        assertThat(longLived.body("/s?op=get&name=user")).isEqualTo("bob");
    }

    @Test
    void sessionWithNonPositiveIntervalNeverExpires() {
        TomcatNode a = startNode("a");
        TomcatNode b = startNode("b");
        Browser zero = new Browser(a, b);
        Browser negative = new Browser(b, a);
        String zeroId = zero.body("/s?op=maxInactive&value=0");
        zero.body("/s?op=set&name=user&value=z");
        String negativeId = negative.body("/s?op=maxInactive&value=-1");
        negative.body("/s?op=set&name=user&value=n");

        clock.advance(Duration.ofDays(400));
        a.backgroundProcess();
        b.backgroundProcess();

        assertThat(SessionEvents.destroyed(zeroId)).isZero();
        assertThat(SessionEvents.destroyed(negativeId)).isZero();
        assertThat(stored(a, zeroId).remainingMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(zero.body("/s?op=get&name=user")).isEqualTo("z");
        assertThat(negative.body("/s?op=get&name=user")).isEqualTo("n");
    }

    @Test
    void sessionExpiredInRedisIsNotServedEvenBeforeAnyNodeClaimsIt() {
        TomcatNode a = startNode("a");
        TomcatNode b = startNode("b");
        Browser browser = new Browser(a, b);
        browser.body("/s?op=set&name=user&value=alice");
        String id = browser.body("/s?op=maxInactive&value=1");

        awaitExpiredInRedis(a, List.of(id));

        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("no-session");
    }

    @Test
    void nodeWhoseClockRunsFiveMinutesFastNeitherExpiresNorDestroysASessionWithTimeLeft() {
        TomcatNode a = startNode("a");
        MutableClock fastClock = new MutableClock(clock.millis() + Duration.ofMinutes(5).toMillis());
        TomcatNode fast = started(node("fast").clock(fastClock).start());
        Browser browser = new Browser(a, fast);
        browser.body(a, "/s?op=set&name=user&value=alice");
        String id = browser.body(a, "/s?op=maxInactive&value=180"); // 3 minutes left

        fast.backgroundProcess();
        assertThat(SessionEvents.destroyed(id)).isZero();
        assertThat(browser.body(fast, "/s?op=get&name=user")).isEqualTo("alice");
        browser.body(fast, "/s?op=set&name=user&value=bob");
        assertThat(browser.body(a, "/s?op=get&name=user")).isEqualTo("bob");
    }
}
