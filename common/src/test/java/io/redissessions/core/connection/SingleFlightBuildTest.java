package io.redissessions.core.connection;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionState;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisClusterGroup;
import io.redissessions.testing.RedisSentinelGroup;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.TcpProxy;
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
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Building the Sentinel or Cluster client contacts the seeds; while they accept connections but
 * never answer (a partition, a stopped process), callers must not queue up behind one another's
 * builds (issue #12). Real redis-server processes behind {@link TcpProxy} seeds that first stall
 * and later relay.
 */
@Timeout(120)
class SingleFlightBuildTest {

    private static final int CALLERS = 200;
    /** A bound on waiting for calls that must each return; reaching it means callers hang. */
    private static final Duration HANG = Duration.ofSeconds(30);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private ExecutorService callers;

    @AfterEach
    void close() throws Exception {
        if (callers != null) {
            callers.shutdownNow();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T use(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Counts the builds and how many run at once. */
    static class CountingConnector extends RedisConnector {
        final AtomicInteger builds = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();

        CountingConnector(SessionStoreConfig config) {
            super(config);
        }

        @Override
        protected UnifiedJedis build() {
            builds.incrementAndGet();
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                return beforeBuild(super::build);
            } finally {
                running.decrementAndGet();
            }
        }

        /** A hook for tests that hold a build. */
        UnifiedJedis beforeBuild(java.util.function.Supplier<UnifiedJedis> build) {
            return build.get();
        }
    }

    private static SessionStoreConfig config(String uri) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setEnvironment(Map.<String, String>of()::get);
        c.setUri(uri);
        c.setConnectTimeoutMillis(300);
        c.setSocketTimeoutMillis(300);
        c.setPoolMaxWaitMillis(300);
        return c;
    }

    private List<TcpProxy> stalledSeeds(int n) {
        List<TcpProxy> seeds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seeds.add(use(TcpProxy.start()));
        }
        return seeds;
    }

    private static String addresses(List<TcpProxy> seeds) {
        return seeds.stream().map(TcpProxy::address).collect(Collectors.joining(","));
    }

    @Test
    void sentinelsThatNeverAnswerCostOneBuildAtATimeAndEveryCallerFails() {
        RedisSentinelGroup group = use(RedisSentinelGroup.start());
        List<TcpProxy> seeds = stalledSeeds(3);
        String uri = "redis-sentinel://" + addresses(seeds) + "/" + group.masterName();

        concurrentLoadsAgainstStalledSeedsThenRecovery(uri, seeds, i -> group.sentinels().get(i).port());
    }

    @Test
    void clusterSeedsThatNeverAnswerCostOneBuildAtATimeAndEveryCallerFails() {
        RedisClusterGroup cluster = use(RedisClusterGroup.start());
        List<TcpProxy> seeds = stalledSeeds(3);
        String uri = "redis-cluster://" + addresses(seeds);

        concurrentLoadsAgainstStalledSeedsThenRecovery(uri, seeds, i -> cluster.nodes().get(i).port());
    }

    private void concurrentLoadsAgainstStalledSeedsThenRecovery(String uri, List<TcpProxy> seeds,
                                                                 IntUnaryOperator realPort) {
        SessionStoreConfig c = config(uri);
        CountingConnector connector = new CountingConnector(c);
        RedisSessionStore store = use(new RedisSessionStore(c, connector, "stalled", MutableClock.startingNow()));

        callers = Executors.newFixedThreadPool(CALLERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Throwable>> outcomes = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            outcomes.add(callers.submit(() -> {
                go.await();
                try {
                    store.load("session-" + Thread.currentThread().getId());
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        List<Throwable> results = awaitAll(outcomes, connector);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(results).allSatisfy(t -> assertThat(t).isInstanceOf(SessionStoreException.class)
                .hasMessageContaining(seeds.get(0).address()));
        assertThat(connector.maxRunning).as("builds running at once").hasValue(1);
        // one build, and another only after each back-off: a bound by count, whatever the machine's speed
        assertThat(connector.builds.get()).as("builds in %d ms", elapsedMillis)
                .isLessThanOrEqualTo(1 + (int) (elapsedMillis / ClientSlot.RETRY_AFTER_FAILURE_MILLIS));

        for (int i = 0; i < seeds.size(); i++) {
            seeds.get(i).forwardTo(realPort.applyAsInt(i));
        }
        Poll.until(Duration.ofSeconds(20), "the same store answers once the seeds do", () -> {
            store.load("any");
            return true;
        });
        SessionState s = store.newSession("after-recovery", 60);
        s.setAttribute("k", "v");
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        assertThat(store.open("after-recovery").getAttribute("k", getClass().getClassLoader())).isEqualTo("v");
    }

    private static List<Throwable> awaitAll(List<Future<Throwable>> outcomes, CountingConnector connector) {
        long deadline = System.nanoTime() + HANG.toNanos();
        List<Throwable> results = new ArrayList<>();
        int waiting = 0;
        for (Future<Throwable> f : outcomes) {
            try {
                results.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                waiting++;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (waiting > 0) {
            fail(waiting + " of " + outcomes.size() + " calls still waiting after " + HANG
                    + "; builds so far: " + connector.builds.get());
        }
        return results;
    }

    @Test
    void aCallerNeverWaitsBehindABuildThatAnotherCallerStarted() throws Exception {
        RedisServer redis = use(RedisServer.startStandalone());
        SessionStoreConfig c = config(redis.uri());
        c.setSocketTimeoutMillis(1000);
        c.setConnectTimeoutMillis(1000);
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountingConnector connector = new CountingConnector(c) {
            @Override
            UnifiedJedis beforeBuild(java.util.function.Supplier<UnifiedJedis> build) {
                building.countDown();
                try {
                    release.await(HANG.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return build.get();
            }
        };
        RedisSessionStore store = use(new RedisSessionStore(c, connector, "held", MutableClock.startingNow()));
        callers = Executors.newFixedThreadPool(2);

        Future<Throwable> request = callers.submit(() -> outcome(() -> store.load("a")));
        assertThat(building.await(HANG.toMillis(), TimeUnit.MILLISECONDS)).as("the first caller builds").isTrue();
        // a background thread (Tomcat's expiry claimer) while that build is held
        Future<Throwable> claimer = callers.submit(() -> outcome(() -> store.claimExpired(10)));
        Throwable claimed = claimer.get(HANG.toMillis(), TimeUnit.MILLISECONDS); // fails the test if it waits

        assertThat(claimed).isInstanceOf(SessionStoreException.class).hasMessageContaining(redis.uri());
        assertThat(release.getCount()).as("answered while the build was still held").isEqualTo(1);
        release.countDown();
        request.get(HANG.toMillis(), TimeUnit.MILLISECONDS); // returns, one way or the other
        Poll.until(Duration.ofSeconds(10), "the store answers", () -> store.claimExpired(10) != null);
        assertThat(connector.builds).hasValue(1);
    }

    private static Throwable outcome(Runnable call) {
        try {
            call.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
