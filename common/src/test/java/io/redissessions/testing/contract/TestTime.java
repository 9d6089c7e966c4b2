package io.redissessions.testing.contract;

import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;

import java.time.Duration;

/**
 * The time of a cluster under test. A container whose store and session model take a clock gets a
 * {@link MutableClock} that the test moves; one that reads the system clock itself (Jetty's
 * session manager does) gets real time, and the test waits, bounded, until it has passed.
 */
public interface TestTime {

    long nowMillis();

    /** Returns once the nodes' time is later than {@code epochMillis}. */
    void passBeyond(long epochMillis);

    default void advance(Duration d) {
        passBeyond(nowMillis() + d.toMillis() - 1);
    }

    /** Time that the test moves: nothing waits. */
    static TestTime movable(MutableClock clock) {
        return new TestTime() {
            @Override
            public long nowMillis() {
                return clock.millis();
            }

            @Override
            public void passBeyond(long epochMillis) {
                if (clock.millis() <= epochMillis) {
                    clock.set(epochMillis + 1);
                }
            }
        };
    }

    /** The system clock: waits (polling, bounded) until it has passed the instant. */
    static TestTime real() {
        return new TestTime() {
            @Override
            public long nowMillis() {
                return System.currentTimeMillis();
            }

            @Override
            public void passBeyond(long epochMillis) {
                long wait = Math.max(0, epochMillis - System.currentTimeMillis());
                Poll.until(Duration.ofMillis(wait).plusSeconds(10), "the clock passes " + epochMillis,
                        () -> System.currentTimeMillis() > epochMillis);
            }
        };
    }
}
