package io.redissessions.core.lock;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.session.SessionService;
import io.redissessions.core.store.LockAttempt;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionKeys;
import io.redissessions.core.store.SessionLock;
import io.redissessions.core.store.SessionState;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RecordingLog;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The locking policy (lockingMode) of {@link SessionService} on a real Redis, with two services
 * on one namespace standing for two nodes.
 */
class SessionLocksTest {

    private static RedisServer redis;
    private final List<SessionService> services = new ArrayList<>();
    private String namespace;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void freshNamespace() {
        namespace = "l" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeServices() {
        services.forEach(SessionService::close);
        services.clear();
    }

    private SessionService node(String name, Consumer<SessionStoreConfig> settings) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        c.setNodeId(name);
        c.set("lockingMode", "all");
        settings.accept(c);
        SessionService s = new SessionService(c, namespace, "context [/" + name + "]", Clock.systemUTC(), new RecordingLog());
        s.start();
        services.add(s);
        return s;
    }

    private SessionService node(String name) {
        return node(name, c -> { });
    }

    private static void awaitListening(SessionService s) {
        Poll.until(Duration.ofSeconds(20), "the node listens to the lock wake-ups", () -> s.locks().isListening());
    }

    private static String storedSession(SessionService s) {
        String id = UUID.randomUUID().toString();
        SessionState state = s.create(id, 600);
        state.setAttribute("n", 0);
        assertThat(s.save(state)).isEqualTo(SaveResult.SAVED);
        return id;
    }

    private String lockKey(String id) {
        return new SessionKeys("rs:", namespace).lockKey(id);
    }

    @Test
    void aLockedReadHoldsTheLockUntilTheRequestEndsAndIsReleasedAfterIt() {
        SessionService a = node("a");
        String id = storedSession(a);

        SessionState state = a.openLocked(id);
        assertThat(state.lock().isHeld()).isTrue();
        assertThat(redis.command("HGET", lockKey(id), "t")).startsWith("a:");
        assertThat(redis.command("PTTL", lockKey(id))).matches(":\\d+");

        long deferred = a.metrics().getDeferredLockReleases();
        assertThat(a.saveAndUnlock(state)).isNull(); // nothing to write
        Poll.until(Duration.ofSeconds(10), "the node's release thread released the lock",
                () -> redis.command("EXISTS", lockKey(id)).equals(":0"));
        assertThat(a.metrics().getDeferredLockReleases() - deferred).isEqualTo(1);
        assertThat(a.locks().heldCount()).isZero();
    }

    @Test
    void aLockedWriteSavesAndReleasesInOneScript() {
        SessionService a = node("a");
        String id = storedSession(a);
        CommandStats before = CommandStats.read(redis);

        SessionState state = a.openLocked(id);
        state.setAttribute("n", 1);
        assertThat(a.saveAndUnlock(state)).isEqualTo(SaveResult.SAVED);

        assertThat(redis.command("EXISTS", lockKey(id))).isEqualTo(":0");
        assertThat(CommandStats.read(redis).minus(before)).as("lock.lua, then save.lua releasing the lock")
                .containsEntry("evalsha", 2L).containsEntry("unlink", 1L);
        assertThat(a.locks().heldCount()).isZero();
    }

    @Test
    void aRequestOfAnotherNodeWaitsForTheLockAndIsWokenByItsRelease() throws Exception {
        // a lease longer than b may wait: only the release's wake-up can get b the lock in time
        SessionService a = node("a", c -> c.set("lockLeaseMillis", "600000"));
        SessionService b = node("b", c -> {
            c.set("lockLeaseMillis", "600000");
            c.set("lockWaitMillis", "60000");
        });
        awaitListening(b);
        String id = storedSession(a);

        SessionState heldByA = a.openLocked(id);
        long attemptsBefore = b.metrics().getLockWaits();
        CompletableFuture<SessionState> onB = CompletableFuture.supplyAsync(() -> b.openLocked(id));
        Poll.until(Duration.ofSeconds(20), "b found the lock held", () -> b.metrics().getLockWaits() > attemptsBefore);
        assertThat(onB).isNotDone();

        heldByA.setAttribute("n", 1);
        assertThat(a.saveAndUnlock(heldByA)).isEqualTo(SaveResult.SAVED);

        SessionState got = onB.get(30, TimeUnit.SECONDS);
        assertThat(got.getAttribute("n", getClass().getClassLoader())).as("b reads what a saved").isEqualTo(1);
        assertThat(b.metrics().getLockWaits() - attemptsBefore).as("tries of b that found the lock held: one, then the "
                + "wake-up (no polling)").isEqualTo(1);
        assertThat(b.metrics().getLockTimeouts()).isZero();
        b.saveAndUnlock(got);
    }

    @Test
    void requestsOfOneSessionOnOneNodeQueueLocallyAndTheNodeHoldsOneRedisLock() throws Exception {
        SessionService a = node("a");
        String id = storedSession(a);

        SessionState first = a.openLocked(id);
        CountDownLatch secondStarted = new CountDownLatch(1);
        CompletableFuture<SessionState> second = CompletableFuture.supplyAsync(() -> {
            secondStarted.countDown();
            return a.openLocked(id);
        });
        secondStarted.await(10, TimeUnit.SECONDS);
        Poll.until(Duration.ofSeconds(20), "the second request waits in the node's queue",
                () -> second.isDone() || a.locks().heldCount() == 1);
        assertThat(second).isNotDone();
        assertThat(a.metrics().getLockWaits()).as("the second request did not ask Redis while the first ran").isZero();

        first.setAttribute("n", 1);
        a.saveAndUnlock(first);
        SessionState next = second.get(30, TimeUnit.SECONDS);
        assertThat(next.getAttribute("n", getClass().getClassLoader())).isEqualTo(1);
        assertThat(a.metrics().getLockWaits()).as("it found the lock free in Redis").isZero();
        a.saveAndUnlock(next);
    }

    @Test
    void aLockNeverReleasedByADeadNodeIsTakenOnceItsLeaseRunsOut() {
        SessionService a = node("a", c -> c.set("lockLeaseMillis", "1500"));
        SessionService b = node("b", c -> {
            c.set("lockLeaseMillis", "1500");
            c.set("lockWaitMillis", "30000");
        });
        awaitListening(b);
        String id = storedSession(a);
        // a node that takes the lock and dies: nothing renews or releases it
        SessionLock dead = a.store().locks().newLock(id);
        assertThat(a.store().locks().lockAndLoad(dead, 1500).outcome()).isEqualTo(LockAttempt.Outcome.TAKEN);

        SessionState got = b.openLocked(id);

        assertThat(got.lock().isHeld()).isTrue();
        assertThat(redis.command("HGET", lockKey(id), "t")).startsWith("b:");
        assertThat(b.metrics().getLockWaits()).as("b tried while the dead lock was held, then when its lease had run out")
                .isBetween(1L, 2L);
        assertThat(b.metrics().getLockTimeouts()).isZero();
        b.saveAndUnlock(got);
    }

    @Test
    void aRequestThatWaitsLongerThanLockWaitMillisGetsTheFailureAnswerNotTheSession() {
        SessionService a = node("a");
        SessionService b = node("b", c -> c.set("lockWaitMillis", "200"));
        String id = storedSession(a);
        SessionState heldByA = a.openLocked(id);

        SessionStoreException e = catchThrowableOfType(SessionStoreException.class, () -> b.openLocked(id));

        assertThat(e.kind()).isEqualTo(SessionStoreException.Kind.LOCKED);
        assertThat(e.getMessage()).contains("lockWaitMillis=200");
        assertThat(b.reactionTo(e)).isEqualTo(io.redissessions.core.session.FailureReaction.ANSWER_FAILURE);
        assertThat(b.failureMessage(e, "load session")).contains("503");
        assertThat(b.metrics().getLockTimeouts()).isEqualTo(1);
        a.saveAndUnlock(heldByA);
    }

    @Test
    void aLongRequestKeepsItsLockByRenewingIt() {
        SessionService a = node("a", c -> c.set("lockLeaseMillis", "2000"));
        SessionService b = node("b", c -> c.set("lockWaitMillis", "0"));
        String id = storedSession(a);
        SessionState held = a.openLocked(id);
        long firstTtl = Long.parseLong(redis.command("PTTL", lockKey(id)).substring(1));
        String token = redis.command("HGET", lockKey(id), "t");

        awaitRedisTime(4500); // the lease would have run out twice by now without renewals
        assertThat(redis.command("HGET", lockKey(id), "t")).as("still a's lock").isEqualTo(token);
        assertThat(firstTtl).isLessThanOrEqualTo(2000);
        SessionStoreException e = catchThrowableOfType(SessionStoreException.class, () -> b.openLocked(id));
        assertThat(e.kind()).isEqualTo(SessionStoreException.Kind.LOCKED);

        held.setAttribute("n", 5);
        assertThat(a.saveAndUnlock(held)).isEqualTo(SaveResult.SAVED);
        assertThat(a.metrics().getLocksLost()).isZero();
    }

    private static long redisMillis() {
        String[] t = redis.command("TIME").split("\n");
        return Long.parseLong(t[0].trim()) * 1000 + Long.parseLong(t[1].trim()) / 1000;
    }

    /** Returns once Redis's clock has moved {@code millis} on from now. */
    private static void awaitRedisTime(long millis) {
        long target = redisMillis() + millis;
        Poll.until(Duration.ofMillis(millis).plusSeconds(20), "Redis's clock passes " + target, () -> redisMillis() > target);
    }

    @Test
    void aSaveAfterTheLockRanOutAndAnotherRequestWroteIsRefused() {
        SessionService a = node("a");
        SessionService b = node("b");
        String id = storedSession(a);
        SessionState slow = a.openLocked(id);
        // a's lease runs out (here: taken away), and b runs a whole request meanwhile
        redis.command("DEL", lockKey(id));
        SessionState fast = b.openLocked(id);
        fast.setAttribute("n", 10);
        assertThat(b.saveAndUnlock(fast)).isEqualTo(SaveResult.SAVED);

        slow.setAttribute("n", 1);
        assertThat(a.saveAndUnlock(slow)).isEqualTo(SaveResult.LOCK_LOST);

        SessionState now = a.open(id);
        assertThat(now.getAttribute("n", getClass().getClassLoader())).as("b's write stands").isEqualTo(10);
        assertThat(a.metrics().getLocksLost()).isEqualTo(1);
    }

    @Test
    void aSaveAfterARenewalFoundTheLockGoneIsStillRefusedWhenAnotherRequestWrote() {
        SessionService a = node("a", c -> c.set("lockLeaseMillis", "1500"));
        SessionService b = node("b");
        String id = storedSession(a);
        SessionState slow = a.openLocked(id);
        redis.command("DEL", lockKey(id)); // the lease ran out while a's request was paused
        Poll.until(Duration.ofSeconds(30), "a's renewal finds the lock gone", () -> a.metrics().getLocksLost() == 1);
        SessionState fast = b.openLocked(id);
        fast.setAttribute("n", 10);
        assertThat(b.saveAndUnlock(fast)).isEqualTo(SaveResult.SAVED);

        slow.setAttribute("n", 1);
        assertThat(a.saveAndUnlock(slow)).isEqualTo(SaveResult.LOCK_LOST);
        assertThat(a.open(id).getAttribute("n", getClass().getClassLoader())).isEqualTo(10);
    }

    @Test
    void aSaveAfterTheLockRanOutIsWrittenWhenNobodyWroteMeanwhile() {
        SessionService a = node("a");
        String id = storedSession(a);
        SessionState slow = a.openLocked(id);
        redis.command("DEL", lockKey(id));

        slow.setAttribute("n", 1);
        assertThat(a.saveAndUnlock(slow)).isEqualTo(SaveResult.SAVED);
        assertThat(a.open(id).getAttribute("n", getClass().getClassLoader())).isEqualTo(1);
    }

    @Test
    void noLockIsTakenForASessionThatDoesNotExist() {
        SessionService a = node("a");
        assertThat(a.openLocked("no-such-session")).isNull();
        assertThat(redis.command("EXISTS", lockKey("no-such-session"))).isEqualTo(":0");
        assertThat(a.locks().heldCount()).isZero();
    }
}
