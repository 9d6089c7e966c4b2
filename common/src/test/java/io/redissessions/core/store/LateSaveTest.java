package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A save that reaches Redis after its sender stopped waiting for it is not applied (issue #12: in
 * a Cluster failover one request's save arrived 7 s late and overwrote 216 newer increments). The
 * save is held in flight by a {@link TcpProxy} between the node and a real Redis, while another
 * node saves a newer value directly; then the held bytes are delivered.
 */
@Timeout(120)
class LateSaveTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void close() throws Exception {
        callers.shutdownNow();
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T use(T resource) {
        resources.add(resource);
        return resource;
    }

    private RedisSessionStore store(String uri, int socketTimeoutMillis) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setEnvironment(Map.<String, String>of()::get);
        c.setUri(uri);
        c.setConnectTimeoutMillis(1000);
        c.setSocketTimeoutMillis(socketTimeoutMillis);
        c.setPoolMaxWaitMillis(1000);
        return use(new RedisSessionStore(c, "late", MutableClock.startingNow()));
    }

    private static Object counter(RedisSessionStore store, String id) {
        return store.open(id).getAttribute("n", LateSaveTest.class.getClassLoader());
    }

    @Test
    void aSaveDeliveredAfterItsSenderGaveUpIsNotAppliedAndTheNewerSaveSurvives() throws Exception {
        RedisServer redis = use(RedisServer.startStandalone());
        TcpProxy network = use(TcpProxy.start());
        network.forwardTo(redis.port());
        RedisSessionStore slowPath = store("redis://" + network.address(), 500);
        RedisSessionStore other = store(redis.uri(), 2000);

        SessionState created = other.newSession("s1", 600);
        created.setAttribute("n", 1);
        assertThat(created.save()).isEqualTo(SaveResult.SAVED);

        SessionState late = slowPath.open("s1");
        late.setAttribute("n", 2);
        network.hold();
        Future<Throwable> lateSave = callers.submit(() -> {
            try {
                late.save();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Throwable lateOutcome = lateSave.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(lateOutcome).as("the sender stopped waiting").isInstanceOf(SessionStoreException.class);

        // the user was answered with the failure; the next request saves a newer value
        SessionState newer = other.open("s1");
        newer.setAttribute("n", 3);
        assertThat(newer.save()).isEqualTo(SaveResult.SAVED);

        CommandStats before = CommandStats.read(redis);
        network.release();
        Poll.until(BOUND, "Redis ran the late save", () -> {
            Map<String, Long> ran = CommandStats.read(redis).minus(before);
            return ran.getOrDefault("evalsha", 0L) + ran.getOrDefault("eval", 0L) >= 1;
        });

        assertThat(counter(other, "s1")).as("the newer save survives").isEqualTo(3);
    }

    @Test
    void theSaveScriptWritesNothingAfterTheDeadlineItIsGivenAndEverythingBefore() throws IOException {
        RedisServer redis = use(RedisServer.startStandalone());
        RedisSessionStore store = store(redis.uri(), 2000);
        SessionState s = store.newSession("s2", 600);
        s.setAttribute("n", 1);
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        String key = store.keys().sessionKey("s2");
        String index = store.keys().indexKeyFor("s2");
        String versionBefore = redis.command("HGET", key, "#v");

        long redisNow = redisMillis(redis);
        String refused = redis.command(saveScript(key, index, Long.toString(redisNow - 1)));
        assertThat(refused).isEqualTo(":-4");
        assertThat(redis.command("HGET", key, "#v")).as("nothing written").isEqualTo(versionBefore);
        assertThat(redis.command("HEXISTS", key, "a:late")).isEqualTo(":0");

        String applied = redis.command(saveScript(key, index, Long.toString(redisMillis(redis) + 60_000)));
        assertThat(applied.lines()).as("{ #v, #expiry, #accessed, TIME }").hasSize(4);
        assertThat(redis.command("HGET", key, "a:late")).isEqualTo("x");

        String unlimited = redis.command(saveScript(key, index, ""));
        assertThat(unlimited.lines()).as("no deadline given").hasSize(4);
    }

    private static long redisMillis(RedisServer redis) {
        String[] t = redis.command("TIME").split("\n");
        return Long.parseLong(t[0].trim()) * 1000 + Long.parseLong(t[1].trim()) / 1000;
    }

    private static String[] saveScript(String key, String index, String deadline) throws IOException {
        String source;
        try (InputStream in = RedisSessionStore.class.getResourceAsStream("save.lua")) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new String[]{"EVAL", source, "2", key, index, "u", "s2", "0", "600", "600000", "1000", deadline,
                "1", "a:late", "x", "0"};
    }

    /**
     * The margin of the check, seen by the caller: the load's reply was held on its way back, so
     * this node's reading of Redis's clock is late, and the save's deadline on Redis's clock comes
     * early by as much. Held on its way too, the save reaches Redis after that deadline but while
     * this node still waits: it is refused, the caller gets the failure, and it is counted. The
     * holds are the fault (a slow network), each well inside the windows that decide the outcome
     * (half a socket timeout of margin on either side).
     */
    @Test
    void aSaveRefusedAsLateWhileItsSenderStillWaitsFailsTheCallAndIsCounted() throws Exception {
        int socketTimeoutMillis = 6000;
        RedisServer redis = use(RedisServer.startStandalone());
        TcpProxy network = use(TcpProxy.start());
        network.forwardTo(redis.port());
        RedisSessionStore slowPath = store("redis://" + network.address(), socketTimeoutMillis);
        RedisSessionStore other = store(redis.uri(), 2000);
        SessionState created = other.newSession("s3", 600);
        created.setAttribute("n", 1);
        created.save();
        slowPath.load("warm-up"); // the load script is known and a connection is open

        network.holdReplies();
        Future<SessionState> load = callers.submit(() -> slowPath.open("s3"));
        Poll.until(BOUND, "the load's reply is held", () -> !network.heldReplies().isEmpty());
        holdFor(Duration.ofMillis(socketTimeoutMillis / 2));
        network.release();
        SessionState state = load.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

        state.setAttribute("n", 2);
        network.hold();
        Future<Throwable> save = callers.submit(() -> {
            try {
                state.save();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Poll.until(BOUND, "the save is held", () -> network.heldRequests().contains("EVAL"));
        holdFor(Duration.ofMillis(socketTimeoutMillis * 3 / 4));
        network.release();

        Throwable failure = save.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(failure).isInstanceOf(SessionStoreException.class).hasMessageContaining("did not apply it");
        assertThat(((SessionStoreException) failure).isUnavailable()).isTrue();
        assertThat(slowPath.metrics().getLateSaves()).isEqualTo(1);
        assertThat(counter(other, "s3")).isEqualTo(1);
    }

    /** Keeps a fault in place for a while: the duration of the fault, not a wait for an event. */
    private static void holdFor(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
