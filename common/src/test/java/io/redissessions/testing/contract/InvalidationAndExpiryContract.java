package io.redissessions.testing.contract;

import io.redissessions.testing.Poll;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.EventLog;
import io.redissessions.testing.web.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container contract, part 3: an invalidated or expired session is gone on every node, and its
 * {@code sessionDestroyed} and {@code valueUnbound} run exactly once across the cluster. Expiry is
 * decided by what Redis holds. The test waits for completed expiry passes of every node
 * ({@link ClusterUnderTest#awaitExpiryPasses}) before it asserts "exactly once", never for a time.
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
        cluster.awaitExpiryPasses(1);
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
        Browser browser = cluster.browser();
        String id = sessionWithUserAlice(browser, 0);
        browser.body(0, "/s?op=tracked&name=tracked&value=" + namespace);

        List<Reply> logouts = Gate.holdTogether(browser, cluster.nodes(),
                List.of("name=user&then=invalidate", "name=user&then=invalidate"));

        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("no-session");
        cluster.awaitExpiryPasses(1);
        assertThat(cluster.events().destroyed(id)).as("sessionDestroyed calls (the logouts answered %s)", logouts)
                .hasSize(1);
        assertThat(cluster.events().unbound(namespace)).as("valueUnbound calls").hasSize(1);
    }

    @Test
    void sessionKeptAliveOnOneNodeIsNeverExpiredByAnother() {
        int intervalSeconds = 4;
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        String id = browser.body(0, "/s?op=setMaxInactive&value=" + intervalSeconds);
        browser.body(0, "/s?op=set&name=user&value=alice");
        TestTime time = cluster.time();

        // requests to node a, each 40% of the interval after the previous one, 1.2 intervals in
        // all; node b runs an expiry pass after each
        long last = time.nowMillis();
        for (int i = 0; i < 3; i++) {
            time.passBeyond(last + 400L * intervalSeconds);
            last = time.nowMillis();
            assertThat(browser.body(0, "/s?op=get&name=user")).as("request " + i).isEqualTo("alice");
            cluster.awaitExpiryPasses(1);
        }
        assertThat(cluster.events().destroyed(id)).isEmpty();
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("alice");
    }

    @Test
    void expiredSessionsAreDestroyedOnceAcrossNodes() {
        ClusterUnderTest cluster = start(3);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Browser browser = cluster.browser();
            ids.add(browser.body(i % 3, "/s?op=setMaxInactive&value=" + SHORT_SECONDS));
            browser.body("/s?op=tracked&name=tracked&value=" + namespace + "-" + i);
            browser.body("/s?op=set&name=user&value=user" + i);
        }

        passBeyondExpiry(cluster, ids);
        awaitDestroyed(cluster, ids);
        cluster.awaitExpiryPasses(2);

        EventLog events = cluster.events();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            assertThat(events.destroyed(id)).as("sessionDestroyed of " + id).singleElement()
                    .satisfies(e -> assertThat(e.detail()).contains("user=user")); // its attributes were still there
            assertThat(events.unbound(namespace + "-" + i)).as("valueUnbound of session " + i).hasSize(1);
            assertThat(exists(redis, sessionKey(id))).isFalse();
        }
    }

    @Test
    void expiredSessionIsNotServedEvenBeforeANodeClaimsIt() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        String id = browser.body(0, "/s?op=setMaxInactive&value=" + SHORT_SECONDS);
        browser.body(1, "/s?op=set&name=user&value=alice");

        passBeyondExpiry(cluster, List.of(id));

        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(cluster.events().destroyed(id)).as("a request fires no listener itself").isEmpty();
        awaitDestroyed(cluster, List.of(id));
        cluster.awaitExpiryPasses(2);
        assertThat(cluster.events().destroyed(id)).hasSize(1);
    }

    @Test
    void sessionOfAStoppedNodeIsExpiredOnceByTheOthers() {
        ClusterUnderTest cluster = start(3);
        Browser browser = cluster.browser();
        String id = browser.body(0, "/s?op=setMaxInactive&value=" + SHORT_SECONDS);
        browser.body(0, "/s?op=set&name=user&value=alice");
        cluster.stopNode(0);

        passBeyondExpiry(cluster, List.of(id));
        awaitDestroyed(cluster, List.of(id));
        cluster.awaitExpiryPasses(2);

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

        passBeyondExpiry(cluster, List.of(shortId));
        awaitDestroyed(cluster, List.of(shortId));
        cluster.awaitExpiryPasses(1);

        assertThat(cluster.events().destroyed(longId)).isEmpty();
        assertThat(shortLived.body(0, "/s?op=id")).isEqualTo("no-session");
        assertThat(longLived.body(0, "/s?op=get&name=user")).isEqualTo("bob");
    }

    /** Moves (or waits for) the nodes' time past the latest stored expiry of these sessions. */
    private void passBeyondExpiry(ClusterUnderTest cluster, List<String> ids) {
        long latest = 0;
        for (String id : ids) {
            String expiry = redis.command("HGET", sessionKey(id), "#expiry");
            assertThat(expiry).as("stored expiry of " + id).isNotNull();
            latest = Math.max(latest, Long.parseLong(expiry.trim()));
        }
        cluster.time().passBeyond(latest);
    }

    /** Runs expiry passes on every node until each of these sessions has been destroyed at least once. */
    private static void awaitDestroyed(ClusterUnderTest cluster, List<String> ids) {
        Poll.until(Duration.ofSeconds(30), "every node's expiry passes destroy " + ids, () -> {
            cluster.awaitExpiryPasses(1);
            EventLog events = cluster.events();
            return ids.stream().allMatch(id -> !events.destroyed(id).isEmpty());
        });
    }
}
