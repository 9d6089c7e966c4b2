package io.redissessions.core.session;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.SessionStoreException.Kind;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionKeys;
import io.redissessions.core.store.SessionState;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RecordingLog;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * What the policy offers a container that keeps some of a session's metadata itself (Jetty's
 * {@code SessionData} carries its own creation time, access time and expiry, and its store contract
 * loads expired sessions), against a real Redis.
 */
class ContainerKeptMetadataTest {

    private static final ClassLoader LOADER = ContainerKeptMetadataTest.class.getClassLoader();

    private RedisServer redis;
    private MutableClock clock;
    private SessionService service;
    private final RecordingLog log = new RecordingLog();
    private final SessionKeys keys = new SessionKeys("rs:", "ckm");

    @BeforeEach
    void start() {
        redis = RedisServer.startStandalone();
        clock = MutableClock.startingNow();
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        service = new SessionService(c, "ckm", "context [/ckm]", clock, log);
    }

    @AfterEach
    void stop() {
        service.close();
        redis.close();
    }

    private String field(String id, String field) {
        return redis.command("HGET", keys.sessionKey(id), field);
    }

    private boolean exists(String id) {
        return !redis.command("EXISTS", keys.sessionKey(id)).endsWith("0");
    }

    @Test
    void newSessionKeepsTheCreationAndAccessTimesTheContainerChose() {
        long now = clock.millis();
        SessionState s = service.create("s-times", now - 5000, now - 1000, 600);
        s.setAttribute("user", "alice");

        assertThat(service.save(s)).isEqualTo(SaveResult.SAVED);
        assertThat(field("s-times", "#created")).isEqualTo(Long.toString(now - 5000));
        assertThat(field("s-times", "#accessed")).isEqualTo(Long.toString(now - 1000));
    }

    @Test
    void expiryKeptByTheContainerIsWrittenInsteadOfTheImpliedOneAndIsNoChangeByItself() {
        long now = clock.millis();
        SessionState s = service.create("s-exp", now, now, 600);
        s.setContainerExpiryMillis(now + 123_456);
        assertThat(service.save(s)).isEqualTo(SaveResult.SAVED);

        // stored on Redis's clock: 123.456 s after Redis's time of the save
        long stored = Long.parseLong(field("s-exp", "#expiry"));
        assertThat(stored).isCloseTo(redisTimeMillis() + 123_456, within(5_000L));
        assertThat(redis.command("ZSCORE", keys.indexKeyFor("s-exp"), "s-exp")).isEqualTo(Long.toString(stored));
        // and back on this node's clock, where the container keeps it
        assertThat(s.localExpiryMillis()).isCloseTo(now + 123_456, within(1_000L));
        assertThat(service.open("s-exp").localExpiryMillis()).as("as loaded").isCloseTo(now + 123_456, within(1_000L));
        long ttlMillis = Long.parseLong(redis.command("PTTL", keys.sessionKey("s-exp")).replace(":", ""));
        assertThat(ttlMillis).isGreaterThan(123_456 + SessionStoreConfig.DEFAULT_EXPIRY_GRACE_SECONDS * 1000L - 60_000);

        s.setContainerExpiryMillis(now + 123_456 + 30_000);
        assertThat(s.needsSave()).as("an expiry moved by less than the touch interval (60 s of 600 s) is no reason to write")
                .isFalse();
        s.setContainerExpiryMillis(now + 123_456 + 90_000);
        assertThat(s.needsSave()).as("an expiry moved by more than the touch interval is a touch").isTrue();
    }

    @Test
    void newStateMarkedStoredUpdatesTheStoredSessionInsteadOfCreatingIt() {
        long now = clock.millis();
        SessionState first = service.create("s-marked", now, now, 600);
        first.setAttribute("keep", "k");
        assertThat(service.save(first)).isEqualTo(SaveResult.SAVED);

        SessionState other = service.create("s-marked", now, now, 600);
        other.setAttribute("user", "bob");
        other.markStored();

        assertThat(service.save(other)).isEqualTo(SaveResult.SAVED);
        SessionState loaded = service.open("s-marked");
        assertThat(loaded.attributes(LOADER)).containsEntry("keep", "k").containsEntry("user", "bob");
        assertThat(loaded.version()).isEqualTo(2);
    }

    @Test
    void expiredSessionIsOpenedForAContainerThatExpiresItItself() {
        long now = clock.millis();
        SessionState s = service.create("s-old", now, now, 1);
        s.setAttribute("user", "alice");
        service.save(s);
        long stored = Long.parseLong(field("s-old", "#expiry"));
        Poll.until(Duration.ofSeconds(10), "the session expired by Redis's clock", () -> redisTimeMillis() > stored);

        assertThat(service.open("s-old")).as("open: an expired session is none").isNull();
        SessionState expired = service.openIncludingExpired("s-old");
        assertThat(expired).isNotNull();
        assertThat(expired.storedExpiryMillis()).isEqualTo(stored);
        assertThat(expired.getAttribute("user", LOADER)).isEqualTo("alice");
        assertThat(service.openIncludingExpired("s-none")).isNull();
    }

    private long redisTimeMillis() {
        String[] time = redis.command("TIME").split("\\R");
        return Long.parseLong(time[0].trim()) * 1000 + Long.parseLong(time[1].trim()) / 1000;
    }

    @Test
    void keyThatHoldsNoSessionIsDeletedCountedAndReportedAsData() {
        redis.command("SET", keys.sessionKey("s-bad"), "not a session");

        SessionStoreException e = catchThrowableOfType(SessionStoreException.class,
                () -> service.openIncludingExpired("s-bad"));

        assertThat(e.kind()).isEqualTo(Kind.DATA);
        assertThat(exists("s-bad")).isFalse();
        assertThat(service.metrics().getUnreadableSessions()).isEqualTo(1);
        assertThat(service.availability().isReachable()).isTrue();
    }
}
