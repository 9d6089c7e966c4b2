package io.redissessions.tomcat;

import io.redissessions.core.store.StoredSession;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expiry with node clocks that only Tomcat's manager takes from a test (Jetty's session manager
 * reads the system clock): expiry is decided by Redis's clock, so a node clock moved by days or
 * running minutes fast expires nothing. The rest of expiry is the container contract's
 * ({@link TomcatInvalidationAndExpiryContractTest}).
 */
class ExpiryTest extends NodesTestBase {

    private static StoredSession stored(TomcatNode node, String id) {
        return node.contextManager().store().load(RedisSessionManager.clusterId(id));
    }

    @Test
    void sessionWithNonPositiveIntervalNeverExpires() {
        MutableClock clock = MutableClock.startingNow();
        TomcatNode a = started(node("a").clock(clock).start());
        TomcatNode b = started(node("b").clock(clock).start());
        Browser zero = Browser.of(a, b);
        Browser negative = Browser.of(b, a);
        String zeroId = zero.body("/s?op=setMaxInactive&value=0");
        zero.body("/s?op=set&name=user&value=z");
        String negativeId = negative.body("/s?op=setMaxInactive&value=-1");
        negative.body("/s?op=set&name=user&value=n");

        clock.advance(Duration.ofDays(400));
        a.backgroundProcess();
        b.backgroundProcess();

        assertThat(events().destroyed(zeroId)).isEmpty();
        assertThat(events().destroyed(negativeId)).isEmpty();
        assertThat(stored(a, zeroId).remainingMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(zero.body("/s?op=get&name=user")).isEqualTo("z");
        assertThat(negative.body("/s?op=get&name=user")).isEqualTo("n");
    }

    @Test
    void nodeWhoseClockRunsFiveMinutesFastNeitherExpiresNorDestroysASessionWithTimeLeft() {
        MutableClock clock = MutableClock.startingNow();
        TomcatNode a = started(node("a").clock(clock).start());
        MutableClock fastClock = new MutableClock(clock.millis() + Duration.ofMinutes(5).toMillis());
        TomcatNode fast = started(node("fast").clock(fastClock).start());
        Browser browser = Browser.of(a, fast);
        browser.body(a, "/s?op=set&name=user&value=alice");
        String id = browser.body(a, "/s?op=setMaxInactive&value=180"); // 3 minutes left

        fast.backgroundProcess();
        assertThat(events().destroyed(id)).isEmpty();
        assertThat(browser.body(fast, "/s?op=get&name=user")).isEqualTo("alice");
        browser.body(fast, "/s?op=set&name=user&value=bob");
        assertThat(browser.body(a, "/s?op=get&name=user")).isEqualTo("bob");
    }
}
