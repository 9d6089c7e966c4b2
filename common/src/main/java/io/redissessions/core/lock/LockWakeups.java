package io.redissessions.core.lock;

import io.redissessions.core.StoreLog;
import io.redissessions.core.connection.RedisConnector;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPubSub;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's one subscription to its namespace's wake-up channel, and the requests waiting for a
 * lock here. A release of a lock that someone waited for publishes the session's wake-up tag
 * ({@code release.lua}, {@code save.lua}); this subscriber wakes the local waiters of that tag, who
 * try to take the lock again at once. No polling while the subscription stands.
 *
 * <p>A message can be missed only while the subscription is down (Redis restarted, a failover, a
 * dead connection): waiters never rely on it alone. Each waits at most the lease the lock had
 * left, and while the subscription is not up (or changed since the waiter's try) it backs off
 * instead (5 ms doubling up to 200 ms). Every (re)subscription wakes all waiters, since they may
 * have missed a release meanwhile.
 *
 * <p>The subscription runs on a thread of its own with a connection of the pool (one of
 * {@code poolMaxTotal}), started at the first wait. Every 10 s it is pinged; a subscription that
 * does not answer within the next 10 s is cut and made again, so a half-open connection cannot
 * leave waiters without wake-ups for long. Thread-safe.
 */
final class LockWakeups implements AutoCloseable {

    private static final long PING_EVERY_MILLIS = 10_000;
    private static final long RETRY_MILLIS = 1_000;

    private final RedisConnector connector;
    private final String channel;
    private final StoreLog log;
    private final String scope;
    private final ConcurrentMap<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final AtomicLong epochs = new AtomicLong();
    /** The epoch of the subscription that stands now; 0 while there is none. */
    private volatile long epoch;
    private volatile boolean closed;
    private volatile Thread thread;
    private volatile Subscriber subscriber;
    private volatile boolean failureLogged;

    LockWakeups(RedisConnector connector, String channel, StoreLog log, String scope) {
        this.connector = connector;
        this.channel = channel;
        this.log = log;
        this.scope = scope;
    }

    /** The current subscription's epoch (0: none stands); a waiter compares it before and after its try. */
    long epoch() {
        return epoch;
    }

    /** Registers a waiter for {@code tag} before the try that may find the lock held. */
    Waiter register(String tag) {
        start();
        Waiter w = new Waiter(tag);
        waiters.computeIfAbsent(tag, k -> ConcurrentHashMap.newKeySet()).add(w);
        return w;
    }

    void unregister(Waiter w) {
        waiters.computeIfPresent(w.tag(), (k, set) -> {
            set.remove(w);
            return set.isEmpty() ? null : set;
        });
    }

    private void wake(String tag) {
        Set<Waiter> set = waiters.get(tag);
        if (set != null) {
            set.forEach(Waiter::wake);
        }
    }

    private void wakeAll() {
        waiters.values().forEach(set -> set.forEach(Waiter::wake));
    }

    synchronized void start() {
        if (thread != null || closed) {
            return;
        }
        Thread t = new Thread(this::run, "redis-sessions-lock-wakeups " + scope);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run() {
        while (!closed) {
            Connection connection = null;
            try {
                connection = connector.dedicatedConnection();
                Subscriber s = new Subscriber(connection);
                subscriber = s;
                s.proceed(connection, channel); // returns when unsubscribed, throws when the connection breaks
            } catch (RuntimeException e) {
                if (!closed && !failureLogged) {
                    failureLogged = true;
                    log.warn("redis-sessions: " + scope + " cannot subscribe to the lock wake-ups on channel '" + channel
                            + "' now (" + e.getMessage() + "); requests that wait for a session's lock try again "
                            + "every 200 ms at most until it works. With an ACL user, allow the channel: &" + channel);
                }
            } finally {
                epoch = 0;
                subscriber = null;
                wakeAll();
                if (connection != null) {
                    try {
                        connection.close();
                    } catch (RuntimeException e) {
                        // broken: the pool drops it
                    }
                }
            }
            if (!closed) {
                synchronized (this) {
                    try {
                        wait(RETRY_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** Pings the subscription; cuts it when the previous ping went unanswered. Called every few seconds. */
    void checkAlive() {
        Subscriber s = subscriber;
        if (s != null && s.isSubscribed()) {
            s.check();
        }
    }

    static long checkIntervalMillis() {
        return PING_EVERY_MILLIS;
    }

    @Override
    public void close() {
        closed = true;
        Subscriber s = subscriber;
        if (s != null) {
            try {
                s.unsubscribe();
            } catch (RuntimeException e) {
                s.cut();
            }
        }
        synchronized (this) {
            notifyAll();
        }
        wakeAll();
    }

    private final class Subscriber extends JedisPubSub {
        private final Connection connection;
        private volatile long pingSentAt;
        private volatile long pongAt;

        Subscriber(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void onSubscribe(String ch, int subscribedChannels) {
            epoch = epochs.incrementAndGet();
            pongAt = System.nanoTime();
            if (failureLogged) {
                failureLogged = false;
                log.info("redis-sessions: " + scope + " receives the lock wake-ups again");
            }
            wakeAll(); // a release may have gone unheard while there was no subscription
        }

        @Override
        public void onMessage(String ch, String tag) {
            wake(tag);
        }

        @Override
        public void onPong(String pattern) {
            pongAt = System.nanoTime();
        }

        void check() {
            long sent = pingSentAt;
            if (sent != 0 && pongAt - sent < 0 && System.nanoTime() - sent > PING_EVERY_MILLIS * 1_000_000L) {
                log.warn("redis-sessions: " + scope + ": the lock wake-up subscription did not answer a ping for "
                        + PING_EVERY_MILLIS / 1000 + " s; it is made again");
                cut();
                return;
            }
            try {
                pingSentAt = System.nanoTime();
                ping();
            } catch (RuntimeException e) {
                cut();
            }
        }

        void cut() {
            try {
                connection.forceDisconnect();
            } catch (Exception e) {
                // the subscription thread sees the broken connection either way
            }
        }
    }
}
