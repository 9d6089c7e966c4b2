package io.redissessions.core.lock;

import io.redissessions.core.SessionIds;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.StoreLog;
import io.redissessions.core.store.RedisLocks;
import io.redissessions.core.store.SessionLock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Releases of locks whose request has nothing to write (a read): sent by a thread of the node
 * right after the request ends, so the request does not wait for them. What is queued when the
 * thread sends goes out in one pipeline, so under load several releases share one round trip.
 * A release that fails (Redis unreachable) leaves the lock to its lease. After each release the
 * session's next local request is let in ({@code after}). Thread-safe.
 */
final class LockReleases implements AutoCloseable {

    private static final int BATCH = 128;

    private record Pending(SessionLock lock, Runnable after) {
    }

    private final RedisLocks locks;
    private final io.redissessions.core.store.StoreMetrics metrics;
    private final StoreLog log;
    private final String scope;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private Thread thread;

    LockReleases(RedisLocks locks, io.redissessions.core.store.StoreMetrics metrics, StoreLog log, String scope) {
        this.locks = locks;
        this.metrics = metrics;
        this.log = log;
        this.scope = scope;
    }

    /** Queues the release of {@code lock}; {@code after} runs once it was sent (or failed). */
    void submit(SessionLock lock, Runnable after) {
        start();
        if (closed) {
            releaseNow(List.of(new Pending(lock, after)));
            return;
        }
        queue.add(new Pending(lock, after));
    }

    private synchronized void start() {
        if (thread == null && !closed) {
            Thread t = new Thread(this::run, "redis-sessions-lock-releases " + scope);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                releaseNow(batch);
            } catch (InterruptedException e) {
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void releaseNow(List<Pending> batch) {
        List<SessionLock> all = new ArrayList<>(batch.size());
        batch.forEach(p -> all.add(p.lock()));
        try {
            locks.releaseAll(all);
            metrics.deferredLockReleases(all.size());
        } catch (SessionStoreException | IllegalStateException e) {
            if (log.isDebugEnabled()) {
                log.debug("redis-sessions: " + scope + ": " + batch.size() + " lock release(s) failed, the locks expire"
                        + " after their lease (first: session " + SessionIds.fingerprint(all.get(0).id()) + "): "
                        + e.getMessage());
            }
            all.forEach(SessionLock::done);
        } finally {
            for (Pending p : batch) {
                try {
                    p.after().run();
                } catch (RuntimeException e) {
                    log.warn("redis-sessions: " + scope + ": after a lock release: " + e);
                }
            }
        }
    }

    /** Sends what is queued, then stops the thread. */
    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            releaseNow(rest);
        }
    }
}
