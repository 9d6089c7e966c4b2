package io.redissessions.core.connection;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.session.SessionService;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RecordingLog;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first connection of a context (issue #12): starting the container never waits for it, the
 * start sets it up in the background, and requests that arrive while that first set-up runs wait
 * for it (up to their operation's bound) instead of failing at once; background work waits only
 * for the set-up the start began, never for one a request began. The set-up is held by a test
 * hook, against a real Redis.
 */
@Timeout(120)
class FirstConnectionTest {

    private static final Duration HANG = Duration.ofSeconds(30);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch building = new CountDownLatch(1);

    @AfterEach
    void close() throws Exception {
        release.countDown();
        threads.shutdownNow();
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T use(T resource) {
        resources.add(resource);
        return resource;
    }

    /** A connector whose builds wait until the test releases them. */
    private SingleFlightBuildTest.CountingConnector heldConnector(SessionStoreConfig c) {
        return new SingleFlightBuildTest.CountingConnector(c) {
            @Override
            UnifiedJedis beforeBuild(Supplier<UnifiedJedis> build) {
                building.countDown();
                try {
                    release.await(HANG.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return build.get();
            }
        };
    }

    private static SessionStoreConfig config(RedisServer redis) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setEnvironment(Map.<String, String>of()::get);
        c.setUri(redis.uri());
        c.setOperationTimeoutMillis(60_000); // longer than any bounded wait of this test
        return c;
    }

    @Test
    void startingAContextReturnsWhileItsFirstConnectionIsStillBeingSetUp() throws Exception {
        RedisServer redis = use(RedisServer.startStandalone());
        SessionStoreConfig c = config(redis);
        RecordingLog log = new RecordingLog();
        SingleFlightBuildTest.CountingConnector connector = heldConnector(c);
        SessionService service = use(new SessionService(c, connector, "first", "context [/first]",
                MutableClock.startingNow(), log));

        Future<?> start = threads.submit(service::start);
        start.get(10, TimeUnit.SECONDS); // fails the test if the start waits for the connection

        assertThat(building.await(HANG.toMillis(), TimeUnit.MILLISECONDS)).as("the start set it up").isTrue();
        assertThat(release.getCount()).as("returned while the set-up was held").isEqualTo(1);
        release.countDown();
        Poll.until(HANG, "the start's check saw Redis", () -> log.count("WARN", "cannot be reached yet") == 0
                && service.availability().isReachable() && connector.builds.get() == 1);
        assertThat(service.store().ping()).isTrue();
        assertThat(connector.builds).hasValue(1);
    }

    @Test
    void aRequestThatArrivesWhileTheFirstConnectionIsSetUpWaitsForIt() throws Exception {
        RedisServer redis = use(RedisServer.startStandalone());
        SessionStoreConfig c = config(redis);
        SingleFlightBuildTest.CountingConnector connector = heldConnector(c);
        SessionService service = use(new SessionService(c, connector, "first", "context [/first]",
                MutableClock.startingNow(), new RecordingLog()));
        RedisSessionStore store = service.store();
        Future<Object> first = threads.submit(() -> store.load("s0")); // sets up the first connection
        assertThat(building.await(HANG.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        AtomicReference<Thread> requestThread = new AtomicReference<>();
        Future<Object> request = threads.submit(() -> {
            requestThread.set(Thread.currentThread());
            try {
                return store.load("s1") == null ? "no session" : "session";
            } catch (SessionStoreException e) {
                return e;
            }
        });
        // it either failed at once or waits for the set-up
        Poll.until(HANG, "the request waits or has failed", () -> request.isDone()
                || (requestThread.get() != null && requestThread.get().getState() == Thread.State.TIMED_WAITING));
        release.countDown();

        assertThat(request.get(HANG.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("no session");
        assertThat(first.get(HANG.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        assertThat(connector.builds).hasValue(1);
    }

    @Test
    void theExpiryPassDoesNotWaitForAFirstConnectionThatARequestBegan() throws Exception {
        RedisServer redis = use(RedisServer.startStandalone());
        SessionStoreConfig c = config(redis);
        SingleFlightBuildTest.CountingConnector connector = heldConnector(c);
        SessionService service = use(new SessionService(c, connector, "first", "context [/first]",
                MutableClock.startingNow(), new RecordingLog()));
        threads.submit(() -> service.store().load("s0")); // a request sets up the first connection
        assertThat(building.await(HANG.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        Future<Throwable> pass = threads.submit(() -> {
            try {
                service.store().claimExpired(10);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Throwable failed = pass.get(10, TimeUnit.SECONDS); // fails the test if it waits

        assertThat(failed).isInstanceOf(SessionStoreException.class).hasMessageContaining("setting up the connection");
        assertThat(release.getCount()).as("answered while the set-up was held").isEqualTo(1);
    }

    @Test
    void theFirstExpiryPassWaitsForTheConnectionTheStartSetsUp() throws Exception {
        RedisServer redis = use(RedisServer.startStandalone());
        SessionStoreConfig c = config(redis);
        SingleFlightBuildTest.CountingConnector connector = heldConnector(c);
        SessionService service = use(new SessionService(c, connector, "first", "context [/first]",
                MutableClock.startingNow(), new RecordingLog()));
        service.start();
        assertThat(building.await(HANG.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        AtomicReference<Thread> passThread = new AtomicReference<>();
        Future<Object> pass = threads.submit(() -> {
            passThread.set(Thread.currentThread());
            try {
                return service.store().claimExpired(10);
            } catch (SessionStoreException e) {
                return e;
            }
        });
        Poll.until(HANG, "the pass waits or has failed", () -> pass.isDone()
                || (passThread.get() != null && passThread.get().getState() == Thread.State.TIMED_WAITING));
        release.countDown();

        assertThat(pass.get(HANG.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(List.of());
        assertThat(connector.builds).hasValue(1);
    }
}
