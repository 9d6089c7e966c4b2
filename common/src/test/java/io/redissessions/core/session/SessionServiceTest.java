package io.redissessions.core.session;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.SessionStoreException.Kind;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionState;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RecordingLog;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.RedisClient;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The policy both containers share, against a real Redis. */
class SessionServiceTest {

    private static final ClassLoader LOADER = SessionServiceTest.class.getClassLoader();

    private RedisServer redis;
    private final List<SessionService> services = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisServer.startStandalone();
        redis.command("ACL", "SETUSER", "app", "on", ">app-pw", "~*", "+@all");
    }

    @AfterEach
    void stop() {
        services.forEach(SessionService::close);
        if (redis != null) {
            redis.close();
        }
    }

    private SessionService service(RecordingLog log, String failureMode) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri("app", "app-pw"));
        c.setFailureMode(failureMode);
        c.setSocketTimeoutMillis(1000);
        SessionService s = new SessionService(c, "svc", "context [/svc]", Clock.systemUTC(), log);
        services.add(s);
        return s;
    }

    private SessionService service() {
        return service(new RecordingLog(), "fail");
    }

    private static String stored(SessionService s, String id, String attribute, String value) {
        SessionState state = s.create(id, 600);
        state.setAttribute(attribute, value);
        assertThat(s.save(state)).isEqualTo(SaveResult.SAVED);
        return id;
    }

    @Test
    void aLoadRefusedByAnAclChangeKeepsTheSessionAndSaysRedisIsDownOnce() {
        RecordingLog log = new RecordingLog();
        SessionService s = service(log, "fail");
        stored(s, "s-acl", "user", "alice");
        redis.command("ACL", "SETUSER", "app", "-hgetall");

        for (int i = 0; i < 3; i++) {
            SessionStoreException e = catchThrowableOfType(SessionStoreException.class, () -> s.open("s-acl"));
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(s.reactionTo(e)).isEqualTo(FailureReaction.ANSWER_FAILURE);
        }
        assertThat(s.availability().isReachable()).isFalse();
        assertThat(log.count("WARN", "Redis is unreachable for context [/svc]")).isEqualTo(1);
        assertThat(log.lines()).noneMatch(l -> l.contains("s-acl"));

        redis.command("ACL", "SETUSER", "app", "+hgetall");
        assertThat(s.open("s-acl").getAttribute("user", LOADER)).isEqualTo("alice");
        assertThat(s.availability().isReachable()).isTrue();
        assertThat(log.count("INFO", "Redis is reachable again for context [/svc]")).isEqualTo(1);
        assertThat(s.metrics().getUnreadableSessions()).isZero();
    }

    @Test
    void aKeyThatHoldsNoSessionIsDeletedAndCounted() {
        RecordingLog log = new RecordingLog();
        SessionService s = service(log, "fail");
        String key = s.store().keys().sessionKey("s-bad");
        redis.command("SET", key, "not a hash");

        assertThat(s.open("s-bad")).isNull();
        assertThat(redis.command("EXISTS", key)).isEqualTo(":0");
        assertThat(s.metrics().getUnreadableSessions()).isEqualTo(1);
        assertThat(s.availability().isReachable()).isTrue();
        assertThat(log.count("WARN", "cannot be read and is deleted")).isEqualTo(1);
    }

    @Test
    void anOverloadedNodeAnswersWithTheFailureEvenInLocalModeAndDoesNotCallRedisDown() {
        RecordingLog log = new RecordingLog();
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri("app", "app-pw"));
        c.setFailureMode("local");
        c.setPoolMaxTotal(1);
        c.setPoolMaxWaitMillis(50);
        SessionService s = new SessionService(c, "svc", "context [/svc]", Clock.systemUTC(), log);
        services.add(s);
        stored(s, "s-busy", "k", "v");
        RedisClient client = (RedisClient) s.store().connector().client();
        try (Connection held = client.getPool().getResource()) {
            SessionStoreException e = catchThrowableOfType(SessionStoreException.class, () -> s.open("s-busy"));
            assertThat(e.kind()).isEqualTo(Kind.OVERLOADED);
            assertThat(s.reactionTo(e)).isEqualTo(FailureReaction.ANSWER_FAILURE);
            assertThat(s.failureMessage(e, "load the session")).contains("more concurrent requests than Redis connections");
        }
        assertThat(s.availability().isReachable()).isTrue();
        assertThat(log.count("WARN", "Redis is unreachable")).isZero();
        assertThat(log.count("WARN", "Raise poolMaxTotal")).isEqualTo(1);
        assertThat(s.open("s-busy")).isNotNull();
    }

    @Test
    void anUnreachableRedisInLocalModeServesLocallyAndInFailModeAnswersTheFailure() {
        SessionService local = service(new RecordingLog(), "local");
        SessionService fail = service(new RecordingLog(), "fail");
        redis.stop();
        SessionStoreException e1 = catchThrowableOfType(SessionStoreException.class, () -> local.open("x"));
        SessionStoreException e2 = catchThrowableOfType(SessionStoreException.class, () -> fail.open("x"));
        assertThat(local.reactionTo(e1)).isEqualTo(FailureReaction.SERVE_LOCALLY);
        assertThat(fail.reactionTo(e2)).isEqualTo(FailureReaction.ANSWER_FAILURE);
        assertThat(local.availability().probe()).isFalse();
    }

    @Test
    void startingWhileRedisIsDownSaysSoOnceAndRecoversByItself() {
        RecordingLog log = new RecordingLog();
        int port = redis.port();
        redis.stop();
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri("redis://127.0.0.1:" + port);
        c.setConnectTimeoutMillis(300);
        SessionService s = new SessionService(c, "svc", "context [/svc]", Clock.systemUTC(), log);
        services.add(s);
        s.start(); // returns at once: the check runs in the background
        Poll.until(Duration.ofSeconds(10), "the start's check said so",
                () -> log.count("WARN", "cannot be reached yet for context [/svc]") == 1);
        assertThat(s.availability().isReachable()).isFalse();

        redis = RedisServer.builder().port(port).start();
        Poll.until(Duration.ofSeconds(10), "the probe sees Redis again", () -> s.availability().probe());
        assertThat(s.availability().isReachable()).isTrue();
    }

    @Test
    void ofTwoNodesInvalidatingOneSessionExactlyOneRemovedIt() {
        SessionService a = service();
        SessionService b = service();
        stored(a, "s-inv", "k", "v");
        boolean byA = a.invalidate("s-inv");
        boolean byB = b.invalidate("s-inv");
        assertThat(List.of(byA, byB)).containsExactly(true, false);
    }

    @Test
    void aSaveThatRedisRefusesIsCountedAndIsNotAnOutage() {
        RecordingLog log = new RecordingLog();
        SessionService s = service(log, "fail");
        stored(s, "s-forged", "k", "v");
        SessionState state = s.open("s-forged");
        // a forged field the save script cannot work with
        redis.command("HSET", s.store().keys().sessionKey("s-forged"), "#v", "not-a-number");
        state.setAttribute("k", "changed");

        assertThat(s.save(state)).isEqualTo(SaveResult.REFUSED);
        assertThat(s.metrics().getSaveFailures()).isEqualTo(1);
        assertThat(s.availability().isReachable()).isTrue();
        assertThat(log.count("WARN", "unreachable")).isZero();
        assertThat(log.count("ERROR", "could not be saved")).isEqualTo(1);
    }

    @Test
    void anExpiryPassRunsEveryListenerOnceAndAFailingListenerCostsOnlyItsSession() {
        SessionService s = service();
        for (int i = 0; i < 5; i++) {
            SessionState state = s.create("s-exp-" + i, 1);
            state.setAttribute("n", i);
            s.save(state);
        }
        List<String> fired = new CopyOnWriteArrayList<>();
        long passesBefore = s.metrics().getExpiryPasses();
        Poll.until(Duration.ofSeconds(15), "all five sessions expired and their listeners ran", () -> {
            s.expiry().expirePass(state -> {
                fired.add(state.id());
                if (state.id().equals("s-exp-2")) {
                    throw new IllegalStateException("listener failure");
                }
            });
            return fired.size() >= 5;
        });
        assertThat(fired).containsExactlyInAnyOrder("s-exp-0", "s-exp-1", "s-exp-2", "s-exp-3", "s-exp-4");
        assertThat(s.metrics().getExpiryPasses()).isGreaterThan(passesBefore);
        for (int i = 0; i < 5; i++) {
            assertThat(s.store().load("s-exp-" + i)).as("deleted after its listeners").isNull();
        }
    }

    /** What a test of a container it cannot reach into (jetty-home) waits for: one DEBUG line per completed pass. */
    @Test
    void everyCompletedExpiryPassIsCountedAndLoggedAtDebugAndAFailedOneIsNot() {
        RecordingLog log = new RecordingLog(true);
        SessionService s = service(log, "fail");
        String line = "expiry pass completed for namespace 'svc'";

        s.expiry().expirePass(state -> { });
        s.expiry().claimPass();
        assertThat(s.metrics().getExpiryPasses()).isEqualTo(2);
        assertThat(log.count("DEBUG", line)).isEqualTo(2);

        redis.kill();
        s.expiry().expirePass(state -> { });
        s.expiry().claimPass();
        assertThat(s.metrics().getExpiryPasses()).as("passes that Redis failed").isEqualTo(2);
        assertThat(log.count("DEBUG", line)).isEqualTo(2);
    }

    @Test
    void aContainerThatExpiresLaterOpensAndFinishesEachClaim() {
        SessionService s = service();
        SessionState state = s.create("s-later", 1);
        state.setAttribute("user", "bob");
        s.save(state);
        List<String> claimed = new ArrayList<>();
        Poll.until(Duration.ofSeconds(15), "the session is claimed", () -> {
            claimed.addAll(s.expiry().claimPass());
            return !claimed.isEmpty();
        });
        assertThat(claimed).containsExactly("s-later");
        SessionState opened = s.expiry().openClaimed("s-later");
        assertThat(opened.getAttribute("user", LOADER)).isEqualTo("bob");
        assertThat(s.expiry().finish("s-later")).isTrue();
        assertThat(s.expiry().openClaimed("s-later")).isNull();
    }
}
