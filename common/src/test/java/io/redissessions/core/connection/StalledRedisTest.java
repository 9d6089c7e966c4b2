package io.redissessions.core.connection;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionState;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisBinary;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A Redis that stalls instead of going away (issue #12): stopped with SIGSTOP, busy in a
 * {@code DEBUG SLEEP}, or an address whose TCP handshake never completes. Every call returns
 * (checked with a bounded wait), fails with a {@link SessionStoreException} that the configured
 * timeout ended, and the same store works again afterwards. Redis is reached through a
 * {@link TcpProxy} that counts the connections the client opens.
 */
@Timeout(120)
class StalledRedisTest {

    private static final Duration HANG = Duration.ofSeconds(30);

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

    private static SessionStoreConfig config(String uri) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setEnvironment(Map.<String, String>of()::get);
        c.setUri(uri);
        c.setConnectTimeoutMillis(500);
        c.setSocketTimeoutMillis(500);
        c.setPoolMaxWaitMillis(500);
        return c;
    }

    private RedisSessionStore storeThrough(TcpProxy proxy) {
        return use(new RedisSessionStore(config("redis://" + proxy.address()), "stall", MutableClock.startingNow()));
    }

    private static String save(RedisSessionStore store, String id) {
        SessionState s = store.newSession(id, 600);
        s.setAttribute("k", "v-" + id);
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        return id;
    }

    private static Throwable outcome(Callable<?> call) {
        try {
            call.call();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Waits for every call with one bound: reaching it means a thread hangs. */
    private static List<Throwable> awaitAll(List<Future<Throwable>> calls) {
        long deadline = System.nanoTime() + HANG.toNanos();
        List<Throwable> outcomes = new ArrayList<>();
        for (Future<Throwable> f : calls) {
            try {
                outcomes.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                fail("a call did not return within " + HANG);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return outcomes;
    }

    /** Whether a SocketTimeoutException with this message is among the causes (or suppressed ones). */
    private static boolean endedBy(Throwable t, String timeoutMessage) {
        if (t == null) {
            return false;
        }
        if (t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).contains(timeoutMessage)) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (endedBy(s, timeoutMessage)) {
                return true;
            }
        }
        return t.getCause() != t && endedBy(t.getCause(), timeoutMessage);
    }

    @Test
    void aStoppedRedisFailsEachCallAtItsSocketTimeoutAndTheStoreRecovers() {
        RedisServer redis = use(RedisServer.startStandalone());
        TcpProxy proxy = use(TcpProxy.start());
        proxy.forwardTo(redis.port());
        RedisSessionStore store = storeThrough(proxy);
        save(store, "s1");
        assertThat(store.load("s1")).isNotNull(); // one idle pooled connection
        int connectionsBefore = proxy.accepted();
        int callerCount = 4;

        redis.pause();
        List<Throwable> outcomes;
        try {
            List<Future<Throwable>> calls = new ArrayList<>();
            for (int i = 0; i < callerCount; i++) {
                calls.add(callers.submit(() -> outcome(() -> store.load("s1"))));
            }
            outcomes = awaitAll(calls);
        } finally {
            redis.resume();
        }

        assertThat(outcomes).allSatisfy(t -> {
            assertThat(t).isInstanceOf(SessionStoreException.class);
            assertThat(endedBy(t, "Read timed out")).as("ended by the socket timeout: %s", t).isTrue();
        });
        // one connection each for the callers that found no idle one, and none to replace the
        // broken ones: a replacement would wait for the stopped Redis as well, after the timeout
        assertThat(proxy.accepted() - connectionsBefore).as("connections opened").isEqualTo(callerCount - 1);
        Poll.until(Duration.ofSeconds(10), "the store reads again", () -> store.load("s1") != null);
        assertThat(store.open("s1").getAttribute("k", getClass().getClassLoader())).isEqualTo("v-s1");
    }

    @Test
    void aReplySlowerThanTheSocketTimeoutFailsTheCallAndTheStoreRecovers() throws Exception {
        RedisServer.Builder builder = RedisServer.builder();
        if (RedisBinary.majorVersion() >= 7) {
            builder.set("enable-debug-command", "yes"); // Redis 7 refuses DEBUG by default
        }
        RedisServer redis = use(builder.start());
        TcpProxy proxy = use(TcpProxy.start());
        proxy.forwardTo(redis.port());
        RedisSessionStore store = storeThrough(proxy);
        save(store, "s2");
        assertThat(store.load("s2")).isNotNull();
        int connectionsBefore = proxy.accepted();

        Future<String> sleep = callers.submit(() -> redis.command("DEBUG", "SLEEP", "2"));
        // a load read before DEBUG SLEEP is answered at once; the first one after it waits
        Throwable slow = null;
        for (int i = 0; i < 1000 && slow == null && !sleep.isDone(); i++) {
            Future<Throwable> load = callers.submit(() -> outcome(() -> store.load("s2")));
            slow = awaitAll(List.of(load)).get(0);
        }

        assertThat(slow).as("a load met the sleeping Redis").isInstanceOf(SessionStoreException.class);
        assertThat(endedBy(slow, "Read timed out")).as("ended by the socket timeout: %s", slow).isTrue();
        assertThat(proxy.accepted() - connectionsBefore).as("connections opened while Redis slept").isZero();
        assertThat(sleep.get(HANG.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("+OK");
        assertThat(store.open("s2").getAttribute("k", getClass().getClassLoader())).isEqualTo("v-s2");
    }

    @Test
    void aConnectThatNeverCompletesIsEndedByTheConnectTimeout() throws Exception {
        // a listening socket whose accept queue is full: Linux drops further SYNs, so a connect
        // neither succeeds nor is refused, as towards a host that drops packets
        ServerSocket full = use(new ServerSocket());
        full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
        for (int i = 0; i < 4; i++) {
            Socket s = new Socket();
            try {
                s.connect(full.getLocalSocketAddress(), 500);
                use(s);
            } catch (SocketTimeoutException e) {
                s.close();
                break; // the queue is full
            }
        }
        SessionStoreConfig c = config("redis://127.0.0.1:" + full.getLocalPort());
        c.setConnectTimeoutMillis(300);
        c.setSocketTimeoutMillis(60_000); // only the connect timeout can end the wait in time
        RedisSessionStore store = use(new RedisSessionStore(c, "stall", MutableClock.startingNow()));

        Throwable t = awaitAll(List.of(callers.submit(() -> outcome(() -> store.load("s3"))))).get(0);

        assertThat(t).isInstanceOf(SessionStoreException.class);
        assertThat(endedBy(t, "Connect timed out")).as("ended by the connect timeout: %s", t).isTrue();
    }
}
