package io.redissessions.core.lock;

import io.redissessions.core.LockingMode;
import io.redissessions.core.SessionIds;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.StoreLog;
import io.redissessions.core.connection.RedisConnector;
import io.redissessions.core.store.LockAttempt;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.SessionLock;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The locking policy of one context ({@code lockingMode}, {@code lockWaitMillis},
 * {@code lockLeaseMillis}), the same for Tomcat and Jetty: a request that locks its session holds
 * the lock from the load to its last save, so that requests of one session run one after the
 * other across the cluster. See docs/configuration.md and docs/wire-format.md.
 *
 * <ul>
 *   <li><b>Local queue first.</b> Requests of one session on this node queue here, in order
 *       ({@link LocalQueue}); only the first waits in Redis. A node holds at most one Redis lock
 *       per session.</li>
 *   <li><b>Lock and load in one round trip</b> ({@code lock.lua}): the lock is taken, and the
 *       session read, when nobody holds it; else the answer says how long the holder's lease has
 *       left, and marks the lock as waited for.</li>
 *   <li><b>Waiting without polling.</b> The holder's release publishes a wake-up only when someone
 *       waited; the node's subscription ({@link LockWakeups}) wakes the local waiter, which tries
 *       again at once. A waiter never waits longer than the lease had left (a dead holder's lock
 *       expires), nor in total longer than {@code lockWaitMillis}: then the request gets the
 *       failure answer ({@link SessionStoreException.Kind#LOCKED}, 503), never an unlocked run.</li>
 *   <li><b>Renewed while the request runs.</b> A lock held for a third of {@code lockLeaseMillis}
 *       since it was taken or last renewed is extended (the node looks every sixth of the lease),
 *       so a long request keeps its lock and a dead node blocks a session for at most the lease.</li>
 *   <li><b>Released by the last save</b> ({@code save.lua}, one round trip with the save), or, when
 *       the request has nothing to write, by a node thread right after the request
 *       ({@link LockReleases}), without the request waiting.</li>
 * </ul>
 *
 * Thread-safe.
 */
public final class SessionLocks implements AutoCloseable {

    private final RedisSessionStore store;
    private final LockingMode mode;
    private final long waitMillis;
    private final long leaseMillis;
    private final StoreLog log;
    private final String scope;
    private final LocalQueue queue = new LocalQueue();
    private final LockWakeups wakeups;
    private final LockReleases releases;
    /** Locks taken and not yet released, with the local slot their request holds. */
    private final ConcurrentMap<SessionLock, LocalQueue.Slot> held = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private volatile boolean closed;

    /**
     * @param scope how log lines name the context, e.g. {@code context [/shop]}
     */
    public SessionLocks(RedisSessionStore store, RedisConnector connector, LockingMode mode, long waitMillis,
                        long leaseMillis, StoreLog log, String scope) {
        this.store = store;
        this.mode = mode;
        this.waitMillis = waitMillis;
        this.leaseMillis = leaseMillis;
        this.log = log;
        this.scope = scope;
        this.wakeups = new LockWakeups(connector, store.locks().wakeUpChannel(), log, scope);
        this.releases = new LockReleases(store.locks(), store.metrics(), log, scope);
    }

    public LockingMode mode() {
        return mode;
    }

    public long waitMillis() {
        return waitMillis;
    }

    public long leaseMillis() {
        return leaseMillis;
    }

    /**
     * Waits for the lock of session {@code id} (first here, then in Redis) and reads the session
     * under it. The lock is {@link LockAttempt.Outcome#TAKEN} when the session exists and has not
     * expired; then the request must end it with {@link #released} or {@link #releaseLater}.
     * Otherwise no lock is held ({@link LockAttempt.Outcome#NOT_LOCKED}).
     *
     * @throws SessionStoreException {@link SessionStoreException.Kind#LOCKED} when the lock stayed
     *         held for {@code lockWaitMillis}; the kinds of any Redis call when Redis fails
     */
    public LockedRead lockAndLoad(String id) {
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        LocalQueue.Slot slot;
        try {
            slot = queue.enter(id, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(id);
        }
        if (slot == null) {
            throw timedOut(id, "another request of the session on this node");
        }
        SessionLock lock = store.locks().newLock(id);
        try {
            LockAttempt attempt = acquire(lock, deadline);
            if (attempt.outcome() == LockAttempt.Outcome.TAKEN) {
                held.put(lock, slot);
                startTimer();
            } else {
                slot.exit();
            }
            return new LockedRead(lock, attempt);
        } catch (RuntimeException | Error e) {
            slot.exit();
            throw e;
        }
    }

    /** What {@link #lockAndLoad} found, with the lock (held only when {@code attempt} says TAKEN). */
    public record LockedRead(SessionLock lock, LockAttempt attempt) {
    }

    private LockAttempt acquire(SessionLock lock, long deadline) {
        long backoffMillis = 5;
        while (true) {
            long epoch = wakeups.epoch();
            Waiter waiter = wakeups.register(lock.tag());
            try {
                LockAttempt attempt = store.locks().lockAndLoad(lock, leaseMillis);
                if (attempt.outcome() != LockAttempt.Outcome.HELD) {
                    return attempt;
                }
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
                if (leftMillis <= 0) {
                    throw timedOut(lock.id(), "a request of another node");
                }
                long wait;
                if (epoch != 0 && wakeups.epoch() == epoch) {
                    wait = Math.min(leftMillis, attempt.heldForMillis() + 1); // the release wakes us; a dead holder's lease ends
                } else {
                    wait = Math.min(leftMillis, backoffMillis); // no subscription: the release may go unheard
                    backoffMillis = Math.min(backoffMillis * 2, 200);
                }
                waiter.await(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(lock.id());
            } finally {
                wakeups.unregister(waiter);
            }
        }
    }

    private SessionStoreException timedOut(String id, String holder) {
        store.metrics().lockTimeout();
        return new SessionStoreException(SessionStoreException.Kind.LOCKED, "the lock of session "
                + SessionIds.fingerprint(id) + " was held by " + holder + " for lockWaitMillis=" + waitMillis + " ms", null);
    }

    private static SessionStoreException interrupted(String id) {
        return new SessionStoreException(SessionStoreException.Kind.LOCKED, "interrupted while waiting for the lock of session "
                + SessionIds.fingerprint(id), null);
    }

    /**
     * The request is done with {@code lock}: its save released it in Redis (or it was lost, or never
     * taken). Lets the session's next request on this node in. Null is ignored; a second call too.
     */
    public void released(SessionLock lock) {
        if (lock == null) {
            return;
        }
        lock.done();
        LocalQueue.Slot slot = held.remove(lock);
        if (slot != null) {
            slot.exit();
        }
    }

    /**
     * The request is done with {@code lock} and wrote nothing under it: a node thread releases it
     * in Redis at once, without the request waiting, then lets the session's next request on this
     * node in. Null is ignored; a second call too.
     */
    public void releaseLater(SessionLock lock) {
        if (lock == null) {
            return;
        }
        LocalQueue.Slot slot = held.remove(lock);
        if (slot == null) {
            lock.done();
            return;
        }
        if (lock.isHeld()) {
            releases.submit(lock, slot::exit);
        } else {
            lock.done();
            slot.exit();
        }
    }

    /** Whether the node's subscription to the lock wake-ups stands now (waiters are woken, not polling). */
    public boolean isListening() {
        return wakeups.epoch() != 0;
    }

    /**
     * Starts the subscription to the lock wake-ups now instead of at the first wait (it is made
     * lazily otherwise); returns at once.
     */
    public void listen() {
        wakeups.start();
    }

    /** How many locks requests of this node hold now. */
    public int heldCount() {
        return held.size();
    }

    private synchronized void startTimer() {
        if (timer != null || closed) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-sessions-lock-renewal " + scope);
            t.setDaemon(true);
            return t;
        });
        // looks every sixth of the lease, renews what was last renewed a third of it ago: a lock is
        // renewed at most half a lease after its last renewal, leaving half a lease for delays
        long every = Math.max(50, leaseMillis / 6);
        timer.scheduleWithFixedDelay(this::renewDue, every, every, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(wakeups::checkAlive, LockWakeups.checkIntervalMillis(),
                LockWakeups.checkIntervalMillis(), TimeUnit.MILLISECONDS);
    }

    /** Extends every lock held for a third of the lease since it was taken or last renewed. */
    private void renewDue() {
        long dueNanos = leaseMillis / 3 * 1_000_000L;
        for (SessionLock lock : held.keySet()) {
            if (!lock.isHeld() || System.nanoTime() - lock.renewedAtNanos() < dueNanos) {
                continue;
            }
            try {
                if (!store.locks().renew(lock, leaseMillis)) {
                    log.warn("redis-sessions: " + scope + ": the lock of session " + SessionIds.fingerprint(lock.id())
                            + " ran out (lockLeaseMillis=" + leaseMillis + ") while its request was running; the request's"
                            + " save is refused if another request changed the session meanwhile");
                }
            } catch (SessionStoreException | IllegalStateException e) {
                if (log.isDebugEnabled()) {
                    log.debug("redis-sessions: " + scope + ": cannot renew the lock of session "
                            + SessionIds.fingerprint(lock.id()) + " now: " + e.getMessage());
                }
            } catch (RuntimeException e) {
                log.warn("redis-sessions: " + scope + ": renewing the lock of session " + SessionIds.fingerprint(lock.id())
                        + " failed: " + e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
        releases.close();
        wakeups.close();
    }
}
