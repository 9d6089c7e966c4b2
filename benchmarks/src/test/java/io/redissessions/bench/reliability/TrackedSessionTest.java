package io.redissessions.bench.reliability;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The load client's bookkeeping: what counts as a lost write, a reset, an applied failed write. */
class TrackedSessionTest {

    private static final String COOKIE = "JSESSIONID=ABC.tomcat-1";

    private static TrackedSession session(int counter) {
        return new TrackedSession(0, COOKIE, "m1", counter);
    }

    private static PageLine line(String born, int counter, boolean isNew) {
        return new PageLine(born, counter, isNew, "n");
    }

    @Test
    void consecutiveIncrementsLoseNothing() {
        TrackedSession s = session(1);
        assertThat(s.onAnswer("rw", line("m1", 2, false), null)).isNull();
        assertThat(s.onAnswer("rw", line("m1", 3, false), null)).isNull();
        assertThat(s.onAnswer("ro", line("m1", 3, false), null)).isNull();
        assertThat(s.lostAcked).isZero();
        assertThat(s.acknowledgedWrites).isEqualTo(2);
    }

    @Test
    void anIncrementThatDoesNotGrowTheCounterCountsTheWritesRedisLost() {
        TrackedSession s = session(10);
        // Redis lost 10 and 9: the session is back at 8, this request makes it 9
        assertThat(s.onAnswer("rw", line("m1", 9, false), null)).contains("lost 2");
        assertThat(s.lostAcked).isEqualTo(2);
        assertThat(s.lastAcked).isEqualTo(9);
    }

    @Test
    void aReadBelowTheLastAcknowledgedValueIsAReadBehindNotYetALoss() {
        TrackedSession s = session(10);
        assertThat(s.onAnswer("ro", line("m1", 7, false), null)).contains("read 7 although 10");
        assertThat(s.readsBehind).isEqualTo(1);
        assertThat(s.lostAcked).isZero();
        // the acknowledged increments did arrive: the next increment makes it 11
        assertThat(s.onAnswer("rw", line("m1", 11, false), null)).isNull();
        assertThat(s.lostAcked).isZero();
    }

    @Test
    void aReadBehindFollowedByAnIncrementThatDoesNotGrowIsALoss() {
        TrackedSession s = session(10);
        s.onAnswer("ro", line("m1", 8, false), null);
        assertThat(s.onAnswer("rw", line("m1", 9, false), null)).contains("lost 2");
        assertThat(s.lostAcked).isEqualTo(2);
    }

    @Test
    void anIncrementWhoseRequestFailedButWasAppliedIsNotALoss() {
        TrackedSession s = session(4);
        // the request that made it 5 got a 503; this one makes it 6
        assertThat(s.onAnswer("rw", line("m1", 6, false), null)).isNull();
        assertThat(s.lostAcked).isZero();
        assertThat(s.appliedUnacknowledged).isEqualTo(1);
    }

    @Test
    void aNewMarkerOrNewSessionOrNewIdIsOneResetEach() {
        TrackedSession s = session(5);
        assertThat(s.onAnswer("rw", line("m2", 1, true), "JSESSIONID=XYZ.jetty-1")).contains("new empty session");
        assertThat(s.resets).isEqualTo(1);
        assertThat(s.cookie).isEqualTo("JSESSIONID=XYZ.jetty-1");
        assertThat(s.onAnswer("rw", line("m2", 2, false), null)).isNull();
        assertThat(s.resets).isEqualTo(1);
    }

    @Test
    void aNodeSuffixOfAnotherContainerIsTheSameSession() {
        TrackedSession s = session(5);
        assertThat(s.onAnswer("rw", line("m1", 6, false), "JSESSIONID=ABC.jetty-2")).isNull();
        assertThat(s.resets).isZero();
    }

    @Test
    void aReadThatFindsNoSessionIsOneResetAndTheNewSessionAfterItIsNotCountedAgain() {
        TrackedSession s = session(5);
        assertThat(s.onAnswer("ro", line("-", 0, false), null)).contains("no session");
        assertThat(s.onAnswer("rw", line("m3", 1, true), "JSESSIONID=NEW.tomcat-2")).isNull();
        assertThat(s.resets).isEqualTo(1);
        assertThat(s.born).isEqualTo("m3");
    }
}
