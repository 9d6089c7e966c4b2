package io.redissessions.tomcat;

import io.redissessions.testing.MutableClock;
import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expiry with a test clock moved by days, which only Tomcat's manager takes (Jetty's session
 * manager reads the system clock); the rest of expiry is the container contract's
 * ({@link TomcatInvalidationAndExpiryContractTest}).
 */
class ExpiryTest extends NodesTestBase {

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
        assertThat(zero.body("/s?op=get&name=user")).isEqualTo("z");
        assertThat(negative.body("/s?op=get&name=user")).isEqualTo("n");
    }
}
