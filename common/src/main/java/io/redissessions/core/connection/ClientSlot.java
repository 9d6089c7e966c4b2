package io.redissessions.core.connection;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreException;
import redis.clients.jedis.UnifiedJedis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Holds the client and builds it at most once at a time (single flight). Building a Sentinel or
 * Cluster client contacts the seeds one after the other and may take seeds × (connect + socket
 * timeout) when they do not answer, so:
 * <ul>
 *   <li>the build runs on a thread of its own, never under a lock that callers wait for;</li>
 *   <li>the caller that starts it waits for it at most the time it was given (its operation's
 *       time left); the build goes on without it and the client is kept when it succeeds;</li>
 *   <li>every other caller, while a build is running or within {@link #RETRY_AFTER_FAILURE_MILLIS}
 *       of a failed one, gets a {@link SessionStoreException} at once instead of waiting or
 *       building again. So a request thread, or a container's background thread, never waits
 *       behind another thread's build;</li>
 *   <li>except during the very first build: requests wait for it up to the time they were given,
 *       so that the first requests of a fresh node are not answered with failures for the
 *       milliseconds a healthy build takes; background work waits for it only when the context's
 *       start began it ({@link #startInBackground}), never when a request did. Once any build has
 *       ended, successful or not, the rule above applies.</li>
 * </ul>
 * A failure is not kept longer than that: the first call after it builds again, so the client
 * comes back by itself when Redis does.
 */
final class ClientSlot implements AutoCloseable {

    /** After a failed build, calls fail at once for this long before one builds again. */
    static final long RETRY_AFTER_FAILURE_MILLIS = 1000;

    private static final System.Logger LOG = System.getLogger(RedisConnector.class.getName());

    private final Supplier<UnifiedJedis> builder;
    private final String described;
    private final Object lock = new Object();
    private volatile UnifiedJedis client;
    private CompletableFuture<UnifiedJedis> inFlight; // guarded by lock
    private RuntimeException lastFailure;             // guarded by lock
    private long lastFailureNanos;                    // guarded by lock
    private boolean closed;                           // guarded by lock
    private boolean anyBuildEnded;                    // guarded by lock
    private boolean inFlightFromStart;                // guarded by lock: inFlight began at start

    /**
     * @param builder   builds the client; may throw (Redis unreachable, bad TLS store)
     * @param described the URI, masked, for messages
     */
    ClientSlot(Supplier<UnifiedJedis> builder, String described) {
        this.builder = builder;
        this.described = described;
    }

    /**
     * The client; builds it if there is none, waiting for that build at most {@code waitMillis}.
     *
     * @param background whether the caller is background work: it waits for the very first build
     *                   only when the context's start began it, and otherwise fails at once while
     *                   another caller builds
     * @throws SessionStoreException  if there is no client now: another build is running, the
     *                                last one failed moments ago, this one failed or is not done
     * @throws ConfigurationException if a setting keeps the client from being built
     */
    UnifiedJedis get(long waitMillis, boolean background) {
        UnifiedJedis c = client;
        if (c != null) {
            return c;
        }
        CompletableFuture<UnifiedJedis> build;
        boolean starts;
        synchronized (lock) {
            if (closed) {
                throw new SessionStoreException("redis-sessions: the Redis session store is closed");
            }
            if (client != null) {
                return client;
            }
            if (inFlight != null) {
                if (anyBuildEnded || (background && !inFlightFromStart)) {
                    throw new SessionStoreException("redis-sessions: not connected to " + described
                            + " yet: another call is setting up the connection (failing at once instead of waiting)");
                }
                build = inFlight; // the first connection of this store: worth waiting for
                starts = false;
            } else {
                if (lastFailure != null) {
                    long sinceMillis = (System.nanoTime() - lastFailureNanos) / 1_000_000L;
                    if (sinceMillis >= 0 && sinceMillis < RETRY_AFTER_FAILURE_MILLIS) {
                        throw recentFailure(sinceMillis);
                    }
                }
                build = new CompletableFuture<>();
                inFlight = build;
                inFlightFromStart = false;
                starts = true;
            }
        }
        if (starts) {
            start(build);
        }
        return await(build, waitMillis);
    }

    /**
     * Begins the first build without waiting for it (a context's start), unless there is a client
     * or a build already.
     */
    void startInBackground() {
        CompletableFuture<UnifiedJedis> build;
        synchronized (lock) {
            if (closed || client != null || inFlight != null || anyBuildEnded) {
                return;
            }
            build = new CompletableFuture<>();
            inFlight = build;
            inFlightFromStart = true;
        }
        start(build);
    }

    private RuntimeException recentFailure(long sinceMillis) {
        if (lastFailure instanceof ConfigurationException e) {
            return e;
        }
        return new SessionStoreException("redis-sessions: cannot connect to " + described + " (the attempt "
                + sinceMillis + " ms ago failed; the next one is made " + RETRY_AFTER_FAILURE_MILLIS
                + " ms after it): " + lastFailure.getMessage(), lastFailure);
    }

    private void start(CompletableFuture<UnifiedJedis> build) {
        Thread t = new Thread(() -> run(build), "redis-sessions-connect");
        t.setDaemon(true);
        // not the caller's (a webapp's) class loader: the thread must not pin it
        t.setContextClassLoader(ClientSlot.class.getClassLoader());
        t.start();
    }

    private void run(CompletableFuture<UnifiedJedis> build) {
        UnifiedJedis built = null;
        RuntimeException failure;
        try {
            built = builder.get();
            failure = null;
        } catch (ConfigurationException | SessionStoreException e) {
            failure = e;
        } catch (RuntimeException | Error e) {
            failure = new SessionStoreException("redis-sessions: cannot connect to " + described + ": " + e, e);
        }
        boolean discard = false;
        synchronized (lock) {
            inFlight = null;
            inFlightFromStart = false;
            anyBuildEnded = true;
            if (built != null && closed) {
                discard = true;
                failure = new SessionStoreException("redis-sessions: the Redis session store is closed");
            } else if (built != null) {
                client = built;
                lastFailure = null;
            } else {
                lastFailure = failure;
                lastFailureNanos = System.nanoTime();
            }
        }
        if (discard) {
            built.close();
        }
        if (failure == null) {
            LOG.log(System.Logger.Level.INFO, "redis-sessions: client ready for {0}", described);
            build.complete(built);
        } else {
            LOG.log(System.Logger.Level.DEBUG, "redis-sessions: cannot connect to {0}: {1}", described, failure);
            build.completeExceptionally(failure);
        }
    }

    private UnifiedJedis await(CompletableFuture<UnifiedJedis> build, long waitMillis) {
        try {
            return build.get(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SessionStoreException("redis-sessions: still connecting to " + described + " after "
                    + waitMillis + " ms (operationTimeoutMillis); the connection is set up in the background");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new SessionStoreException("redis-sessions: cannot connect to " + described + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionStoreException("redis-sessions: interrupted while connecting to " + described, e);
        }
    }

    @Override
    public void close() {
        UnifiedJedis c;
        synchronized (lock) {
            closed = true;
            c = client;
            client = null;
        }
        if (c != null) {
            c.close();
        }
    }
}
