package io.redissessions.tomcat;

import io.redissessions.testing.MutableClock;
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
 * Expiry is decided by what Redis holds, and each expired session's listeners run once across
 * the cluster. The nodes share a clock that the test moves; the background work that Tomcat's
 * thread runs every few seconds is called directly.
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

    @Test
    void sessionKeptAliveByRequestsToOneNodeIsNeverExpiredByAnIdleNode() {
        TomcatNode a = startNode("a");
        TomcatNode idle = startNode("idle");
        Browser browser = new Browser(a);
        String id = browser.body("/s?op=maxInactive&value=60");
        browser.body("/s?op=set&name=user&value=alice");

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(40));
            assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
            idle.backgroundProcess();
            a.backgroundProcess();
        }
        assertThat(SessionEvents.destroyed(id)).isZero();

        clock.advance(Duration.ofSeconds(61));
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
            ids.add(browser.body("/s?op=maxInactive&value=120"));
            browser.body("/s?op=tracked&name=tracked&value=" + label);
            browser.body("/s?op=set&name=user&value=user" + i);
            labels.add(label);
        }

        clock.advance(Duration.ofSeconds(121));
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
        String shortId = shortLived.body("/s?op=maxInactive&value=30");
        String longId = longLived.body("/s?op=set&name=user&value=bob"); // the context's 30 minutes
        assertThat(longLived.body("/s?op=getMaxInactive")).isEqualTo("1800");
        assertThat(shortLived.body("/s?op=getMaxInactive")).isEqualTo("30");

        clock.advance(Duration.ofSeconds(31));
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
        assertThat(zero.body("/s?op=get&name=user")).isEqualTo("z");
        assertThat(negative.body("/s?op=get&name=user")).isEqualTo("n");
    }

    @Test
    void sessionExpiredInRedisIsNotServedEvenBeforeAnyNodeClaimsIt() {
        TomcatNode a = startNode("a");
        TomcatNode b = startNode("b");
        Browser browser = new Browser(a, b);
        browser.body("/s?op=maxInactive&value=60");
        browser.body("/s?op=set&name=user&value=alice");

        clock.advance(Duration.ofSeconds(61));

        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("no-session");
    }
}
