package io.redissessions.core.lock;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Requests of one session on this node, in the order they asked: only the first one waits for the
 * session's lock in Redis, so a node holds at most one Redis lock per session and never competes
 * with itself. A slot may be left from another thread than the one that entered it (an async
 * request completes on another thread). Thread-safe.
 */
final class LocalQueue {

    private static final class Entry {
        final Semaphore turn = new Semaphore(1, true);
        int users;
    }

    /** A request's place at the head of its session's queue; {@link #exit} lets the next one in. */
    static final class Slot {
        private final LocalQueue queue;
        private final String id;
        private final Entry entry;
        private final AtomicBoolean left = new AtomicBoolean();

        private Slot(LocalQueue queue, String id, Entry entry) {
            this.queue = queue;
            this.id = id;
            this.entry = entry;
        }

        /** Lets the next request of the session in; only the first call counts. */
        void exit() {
            if (left.compareAndSet(false, true)) {
                entry.turn.release();
                queue.leave(id, entry);
            }
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();

    /**
     * Waits until it is this request's turn for session {@code id}, at most until {@code deadlineNanos}
     * ({@link System#nanoTime()}).
     *
     * @return its slot, or null when the turn did not come in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    Slot enter(String id, long deadlineNanos) throws InterruptedException {
        Entry entry;
        synchronized (this) {
            entry = entries.computeIfAbsent(id, k -> new Entry());
            entry.users++;
        }
        boolean entered = false;
        try {
            entered = entry.turn.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } finally {
            if (!entered) {
                leave(id, entry);
            }
        }
        return entered ? new Slot(this, id, entry) : null;
    }

    private synchronized void leave(String id, Entry entry) {
        if (--entry.users == 0) {
            entries.remove(id, entry);
        }
    }

    /** How many sessions have requests queued or running here (for tests). */
    synchronized int size() {
        return entries.size();
    }
}
