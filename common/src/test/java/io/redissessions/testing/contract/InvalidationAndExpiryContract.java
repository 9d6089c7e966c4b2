package io.redissessions.testing.contract;

import io.redissessions.core.store.StoreMetrics;
import io.redissessions.testing.Poll;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.EventLog;
import io.redissessions.testing.web.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container contract, part 3: an invalidated or expired session is gone on every node, and its
 * {@code sessionDestroyed} and {@code valueUnbound} run exactly once across the cluster, on the
 * node whose delete removed it from Redis. Expiry is decided by what Redis holds, on Redis's clock:
 * sessions expire for real, in a second or a few of Redis's time; the test waits for that time
 * ({@link #awaitRedisTimeAfter}), then runs expiry passes of every node
 * ({@link ClusterUnderTest#runExpiryPasses}) before it asserts "exactly once".
 */
public abstract class InvalidationAndExpiryContract extends ContractSupport {

    /** The max inactive interval of sessions that are to expire in a test, in seconds. */
    private static final int SHORT_SECONDS = 1;

    @Test
    void invalidationOnOneNodeIsSeenEverywhereAndDestroysOnce() {
        ClusterUnderTest cluster = start(3);
        Browser browser = cluster.browser();
        String id = sessionWithUserAlice(browser, 0);
        browser.body(0, "/s?op=tracked&name=tracked&value=" + namespace);

        assertThat(browser.body(1, "/s?op=invalidate")).isEqualTo("invalidated");

        for (int k = 0; k < 3; k++) {
            assertThat(browser.body(k, "/s?op=get&name=user")).as("node " + k).isEqualTo("no-session");
        }
        cluster.runExpiryPasses(1);
        assertThat(cluster.events().destroyed(id)).as("sessionDestroyed calls").singleElement()
                .satisfies(e -> assertThat(e.node()).isEqualTo(cluster.node(1).name()))
                .satisfies(e -> assertThat(e.detail()).contains("user=alice"));
        assertThat(cluster.events().unbound(namespace)).as("valueUnbound calls").hasSize(1);
        assertThat(exists(redis, sessionKey(id))).isFalse();
    }

    /** A double-clicked logout that reaches two nodes: both have loaded the session when both invalidate it. */
    @Test
    void twoNodesInvalidatingOneSessionAtOnceDestroyItOnce() {
        ClusterUnderTest cluster = start(2);
        invalidateAtOnce(cluster, List.of(cluster.node(0), cluster.node(1)));
    }

    /** A double-clicked logout on one node: two requests that share the session object invalidate it. */
    @Test
    void twoRequestsOnOneNodeInvalidatingOneSessionAtOnceDestroyItOnce() {
        ClusterUnderTest cluster = start(2);
        invalidateAtOnce(cluster, List.of(cluster.node(0), cluster.node(0)));
    }

    private void invalidateAtOnce(ClusterUnderTest cluster, List<io.redissessions.testing.web.WebNode> where) {
        Browser browser = cluster.browser();
        String id = sessionWithUserAlice(browser, 0);
        browser.body(0, "/s?op=tracked&name=tracked&value=" + namespace);

        List<Reply> logouts = Gate.holdTogether(browser, where,
                List.of("name=user&then=invalidate", "name=user&then=invalidate"));

        assertThat(logouts).as("the logouts").allSatisfy(r -> assertThat(Browser.ok(r)).isIn("ok", "already-invalid"));
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("no-session");
        cluster.runExpiryPasses(1);
        assertThat(cluster.events().destroyed(id)).as("sessionDestroyed calls (the logouts answered %s)", logouts)
                .singleElement().satisfies(e -> assertThat(e.detail()).contains("user=alice"));
        assertThat(cluster.events().unbound(namespace)).as("valueUnbound calls").hasSize(1);
        assertThat(exists(redis, sessionKey(id))).isFalse();
    }

    /**
     * A request on node b loaded the session before a request on node a invalidated it; then b's
     * request invalidates its copy too: b's delete removes nothing, so b runs no listener.
     */
    @Test
    void sessionInvalidatedAgainByARequestThatHeldItFromBeforeIsDestroyedOnlyWhereItWasRemoved() throws Exception {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        String id = sessionWithUserAlice(browser, 0);
        String gate = "stale-" + namespace;
        CompletableFuture<Reply> stale = browser.getAsync(1, "/s?op=hold&gate=" + gate + "&name=user&then=invalidate");
        Gate.awaitArrivals(cluster.node(1), gate, 1);

        assertThat(browser.body(0, "/s?op=invalidate")).isEqualTo("invalidated");
        assertThat(cluster.events().destroyed(id)).singleElement()
                .satisfies(e -> assertThat(e.node()).isEqualTo(cluster.node(0).name()));
        Gate.release(cluster.node(1), gate);

        assertThat(stale.get(60, TimeUnit.SECONDS).status()).as("the stale request's invalidation").isEqualTo(200);
        cluster.runExpiryPasses(1);
        assertThat(cluster.events().destroyed(id)).as("sessionDestroyed calls").hasSize(1);
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("no-session");
    }

    /** A session that was never saved is known to this node only: it destroys it. */
    @Test
    void newSessionInvalidatedInTheRequestThatCreatedItIsDestroyedOnce() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();

        String id = browser.body(0, "/s?op=new-then-invalidate&value=" + namespace);

        cluster.runExpiryPasses(1);
        assertThat(cluster.events().destroyed(id)).singleElement()
                .satisfies(e -> assertThat(e.node()).isEqualTo(cluster.node(0).name()))
                .satisfies(e -> assertThat(e.detail()).contains("user=alice"));
        assertThat(cluster.events().unbound(namespace)).as("valueUnbound calls").hasSize(1);
        assertThat(exists(redis, sessionKey(id))).isFalse();
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("no-session");
    }

    /**
     * Requests to node a keep the session alive, each half an interval (by Redis's clock) after the
     * last save, for longer than one interval in all; node b runs an expiry pass after each.
     * Afterwards the session expires and is destroyed once.
     */
    @Test
    void sessionKeptAliveOnOneNodeIsNeverExpiredByAnother() {
        int intervalSeconds = 3;
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        String id = browser.body(0, "/s?op=setMaxInactive&value=" + intervalSeconds);
        browser.body(0, "/s?op=set&name=user&value=alice");
        long firstExpiry = storedExpiry(id);

        for (int i = 0; i < 3; i++) {
            long lastSave = storedExpiry(id) - intervalSeconds * 1000L;
            awaitRedisTimeAfter(redis, lastSave + intervalSeconds * 500L);
            assertThat(browser.body(0, "/s?op=get&name=user")).as("request " + i).isEqualTo("alice");
            cluster.runExpiryPasses(1);
        }
        assertThat(redisTimeMillis(redis)).as("Redis's time: kept alive past its first expiry")
                .isGreaterThan(firstExpiry);
        assertThat(cluster.events().destroyed(id)).isEmpty();
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("alice");

        awaitRedisTimeAfter(redis, storedExpiry(id));
        awaitDestroyed(cluster, List.of(id));
        cluster.runExpiryPasses(1);
        assertThat(cluster.events().destroyed(id)).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("user=alice"));
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("no-session");
    }

    @Test
    void expiredSessionsAreDestroyedOnceAcrossNodes() {
        ClusterUnderTest cluster = start(3);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Browser browser = cluster.browser();
            ids.add(browser.body(i % 3, "/s?op=setMaxInactive&value=" + SHORT_SECONDS));
            browser.body("/s?op=tracked&name=tracked&value=" + namespace + "-" + i);
            browser.body("/s?op=set&name=user&value=user" + i);
        }

        awaitExpiredInRedis(ids);
        awaitDestroyed(cluster, ids);
        cluster.runExpiryPasses(2);

        EventLog events = cluster.events();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            assertThat(events.destroyed(id)).as("sessionDestroyed of " + id).singleElement()
                    .satisfies(e -> assertThat(e.detail()).contains("user=user")); // its attributes were still there
            assertThat(events.unbound(namespace + "-" + i)).as("valueUnbound of session " + i).hasSize(1);
            assertThat(exists(redis, sessionKey(id))).isFalse();
        }
        assertThat(sum(cluster, StoreMetrics::getExpiredClaimed)).as("expired sessions claimed by all nodes")
                .isEqualTo(ids.size());
    }

    @Test
    void expiredSessionIsNotServedEvenBeforeANodeClaimsIt() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        String id = browser.body(0, "/s?op=setMaxInactive&value=" + SHORT_SECONDS);
        browser.body(1, "/s?op=set&name=user&value=alice");

        awaitExpiredInRedis(List.of(id));

        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(cluster.events().destroyed(id)).as("a request fires no listener itself").isEmpty();
        awaitDestroyed(cluster, List.of(id));
        cluster.runExpiryPasses(2);
        assertThat(cluster.events().destroyed(id)).hasSize(1);
    }

    @Test
    void sessionOfAStoppedNodeIsExpiredOnceByTheOthers() {
        ClusterUnderTest cluster = start(3);
        Browser browser = cluster.browser();
        String id = browser.body(0, "/s?op=setMaxInactive&value=" + SHORT_SECONDS);
        browser.body(0, "/s?op=set&name=user&value=alice");
        cluster.stopNode(0);

        awaitExpiredInRedis(List.of(id));
        awaitDestroyed(cluster, List.of(id));
        cluster.runExpiryPasses(2);

        assertThat(cluster.events().destroyed(id)).singleElement()
                .satisfies(e -> assertThat(e.node()).isIn(cluster.node(1).name(), cluster.node(2).name()))
                .satisfies(e -> assertThat(e.detail()).contains("user=alice"));
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("no-session");
    }

    @Test
    void maxInactiveIntervalIsHonouredPerSession() {
        ClusterUnderTest cluster = start(2);
        Browser shortLived = cluster.browser();
        Browser longLived = cluster.browser();
        String shortId = shortLived.body(0, "/s?op=setMaxInactive&value=" + SHORT_SECONDS);
        String longId = longLived.body(1, "/s?op=set&name=user&value=bob"); // the context's 30 minutes
        assertThat(longLived.body(0, "/s?op=getMaxInactive")).isEqualTo("1800");
        assertThat(shortLived.body(1, "/s?op=getMaxInactive")).isEqualTo(Integer.toString(SHORT_SECONDS));

        awaitExpiredInRedis(List.of(shortId));
        awaitDestroyed(cluster, List.of(shortId));
        cluster.runExpiryPasses(1);

        assertThat(cluster.events().destroyed(longId)).isEmpty();
        assertThat(shortLived.body(0, "/s?op=id")).isEqualTo("no-session");
        assertThat(longLived.body(0, "/s?op=get&name=user")).isEqualTo("bob");
    }

    /** A session whose interval is 0 or negative is stored without an expiry: no TTL, not in the expiry index. */
    @Test
    void sessionWithNonPositiveIntervalIsStoredWithoutExpiry() {
        ClusterUnderTest cluster = start(2);
        Browser zero = cluster.browser();
        Browser negative = cluster.browser();
        String zeroId = zero.body(0, "/s?op=setMaxInactive&value=0");
        zero.body(1, "/s?op=set&name=user&value=z");
        String negativeId = negative.body(1, "/s?op=setMaxInactive&value=-1");
        negative.body(0, "/s?op=set&name=user&value=n");

        cluster.runExpiryPasses(1);

        for (String id : List.of(zeroId, negativeId)) {
            assertThat(storedExpiry(id)).as("#expiry of " + id).isZero();
            assertThat(redis.command("PTTL", sessionKey(id))).as("TTL of " + id).isEqualTo(":-1");
            assertThat(cluster.events().destroyed(id)).isEmpty();
        }
        assertThat(zero.body(0, "/s?op=get&name=user")).isEqualTo("z");
        assertThat(negative.body(1, "/s?op=get&name=user")).isEqualTo("n");
    }

    /** Waits until Redis's clock has passed the stored expiry of every one of these sessions. */
    private void awaitExpiredInRedis(List<String> ids) {
        long latest = 0;
        for (String id : ids) {
            latest = Math.max(latest, storedExpiry(id));
        }
        awaitRedisTimeAfter(redis, latest);
    }

    /** Runs expiry passes on every node until each of these sessions has been destroyed at least once. */
    private static void awaitDestroyed(ClusterUnderTest cluster, List<String> ids) {
        Poll.until(Duration.ofSeconds(30), "every node's expiry passes destroy " + ids, () -> {
            cluster.runExpiryPasses(1);
            EventLog events = cluster.events();
            return ids.stream().allMatch(id -> !events.destroyed(id).isEmpty());
        });
    }
}
