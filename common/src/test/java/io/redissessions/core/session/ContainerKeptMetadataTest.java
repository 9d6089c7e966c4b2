package io.redissessions.core.session;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.SessionStoreException.Kind;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionKeys;
import io.redissessions.core.store.SessionState;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.RecordingLog;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What the policy offers a container that keeps some of a session's metadata itself (Jetty's
 * {@code SessionData} carries its own creation time, access time and expiry, and its store contract
 * loads expired sessions and sweeps orphans), against a real Redis.
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

        assertThat(field("s-exp", "#expiry")).isEqualTo(Long.toString(now + 123_456));
        assertThat(s.expiryFieldMillis()).isEqualTo(now + 123_456);
        assertThat(service.open("s-exp").expiryFieldMillis()).as("as loaded").isEqualTo(now + 123_456);
        assertThat(redis.command("ZSCORE", keys.indexKeyFor("s-exp"), "s-exp")).isEqualTo(Long.toString(now + 123_456));
        long ttlMillis = Long.parseLong(redis.command("PTTL", keys.sessionKey("s-exp")).replace(":", ""));
        assertThat(ttlMillis).isGreaterThan(123_456 + SessionStoreConfig.DEFAULT_EXPIRY_GRACE_SECONDS * 1000L - 60_000);

        s.setContainerExpiryMillis(now + 200_000);
        assertThat(s.needsSave()).as("a new expiry alone is not a reason to write").isFalse();
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
        SessionState s = service.create("s-old", now, now, 60);
        s.setAttribute("user", "alice");
        service.save(s);
        clock.advance(Duration.ofSeconds(61));

        assertThat(service.open("s-old")).as("open: an expired session is none").isNull();
        SessionState expired = service.openIncludingExpired("s-old");
        assertThat(expired).isNotNull();
        assertThat(expired.expiryFieldMillis()).isEqualTo(now + 60_000);
        assertThat(expired.getAttribute("user", LOADER)).isEqualTo("alice");
        assertThat(service.openIncludingExpired("s-none")).isNull();
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

    @Test
    void sweepDropsOnlySessionsExpiredBeforeTheCutOffAndLeavesTheRestToTheClaims() {
        long now = clock.millis();
        for (String id : List.of("s-recent1", "s-recent2")) {
            SessionState s = service.create(id, now, now, 60);
            s.setAttribute("user", id);
            service.save(s);
        }
        SessionState old = service.create("s-ancient", now, now, 60);
        old.setContainerExpiryMillis(now - 600_000); // expired 10 minutes ago, still within its grace
        assertThat(service.save(old)).isEqualTo(SaveResult.SAVED);
        clock.advance(Duration.ofSeconds(61)); // the other two expired just now

        int dropped = service.expiry().dropExpiredBefore(now - 300_000);

        assertThat(dropped).isEqualTo(1);
        assertThat(exists("s-ancient")).isFalse();
        assertThat(service.expiry().claimPass()).containsExactlyInAnyOrder("s-recent1", "s-recent2");
    }
}
