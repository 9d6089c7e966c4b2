package io.redissessions.jetty;

import io.redissessions.core.FailureMode;
import io.redissessions.core.SessionStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Failure and availability tracking of one {@link RedisSessionDataStore}: which errors mean bad data
 * rather than an unreachable Redis, whether Redis is reachable (from the last call, else probed),
 * and, with failureMode=local, the sessions kept in this node's memory while Redis is unreachable
 * and the count of calls served that way. Logs as the store does.
 */
final class RedisAvailability {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionDataStore.class);

    private static final long PROBE_INTERVAL_MILLIS = 1000;

    private final RedisSessionDataStore owner;
    /** failureMode=local: sessions this node could not write (or read) while Redis was unreachable. */
    private final Map<String, RedisSessionData> local = new ConcurrentHashMap<>();
    private final AtomicBoolean unavailable = new AtomicBoolean();
    private volatile long lastProbeMillis;
    /** Some call has succeeded since start. */
    private volatile boolean reached;
    private final LongAdder localFallbacks = new LongAdder();

    RedisAvailability(RedisSessionDataStore owner) {
        this.owner = owner;
    }

    /** An error that Redis answered (wrong type and the like): the data is bad, Redis is fine. */
    static boolean isDataError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JedisDataException && t.getMessage() != null) {
                String m = t.getMessage();
                return !(m.startsWith("LOADING") || m.startsWith("BUSY") || m.startsWith("MASTERDOWN")
                        || m.startsWith("CLUSTERDOWN") || m.startsWith("TRYAGAIN") || m.startsWith("READONLY")
                        || m.startsWith("NOAUTH") || m.startsWith("WRONGPASS") || m.startsWith("NOPERM"));
            }
        }
        return false;
    }

    void unavailable(SessionStoreException e) {
        unavailable(e.getMessage());
    }

    void unavailable(String why) {
        if (unavailable.compareAndSet(false, true)) {
            LOG.warn("redis-sessions: Redis cannot be reached ({}); {}", why,
                    owner.failureMode() == FailureMode.LOCAL
                            ? "serving node-local sessions until it is back (failureMode=local)"
                            : "requests that need their session are answered with 503 until it is back (failureMode=fail)");
        }
        lastProbeMillis = System.currentTimeMillis();
    }

    void available() {
        reached = true;
        if (unavailable.compareAndSet(true, false)) {
            LOG.info("redis-sessions: Redis is reachable again, namespace '{}'", owner.namespace());
        }
    }

    void localFallback(String what, String id) {
        localFallbacks.increment();
        LOG.debug("redis-sessions: {} of session {} served node-locally (Redis unreachable)", what, id);
    }

    /**
     * Records that Redis could not be reached for the {@code what} of session {@code id}; with
     * failureMode=local, counts the call as served node-locally and returns true: the caller then
     * uses the node-local sessions.
     */
    boolean fallBackLocally(String what, String id, SessionStoreException e) {
        unavailable(e);
        if (owner.failureMode() == FailureMode.LOCAL) {
            localFallback(what, id);
            return true;
        }
        return false;
    }

    /** The node-local session with this id, or null. */
    RedisSessionData localSession(String id) {
        return local.get(id);
    }

    void keepLocally(String id, RedisSessionData d) {
        local.put(id, d);
    }

    /** Drops the node-local session with this id; whether there was one. */
    boolean forgetLocal(String id) {
        return local.remove(id) != null;
    }

    /**
     * The session created on this node during an outage (failureMode=local) that Redis does not
     * have, or null; it is written at its next save.
     */
    RedisSessionData takeOutageSession(String id) {
        RedisSessionData outage = local.remove(id);
        if (outage != null) {
            outage.requireCreate();
        }
        return outage;
    }

    /** Adds the node-local sessions expired at {@code now}. */
    void addLocalExpired(Set<String> expired, long now) {
        local.forEach((id, d) -> {
            if (d.isExpiredAt(now)) {
                expired.add(id);
            }
        });
    }

    void clearLocal() {
        local.clear();
    }

    long localFallbacks() {
        return localFallbacks.sum();
    }

    /** Whether Redis answered the last call. */
    boolean isReachable() {
        return !unavailable.get();
    }

    /**
     * Whether Redis is reachable, for decisions that have no Redis call of their own (creating a
     * session). Known from the last call; until the first call succeeds, and after a failure, it
     * asks Redis (PING), at most once a second while it is down.
     */
    boolean isRedisAvailable() {
        if (reached && !unavailable.get()) {
            return true;
        }
        long now = System.currentTimeMillis();
        if (unavailable.get() && now - lastProbeMillis < PROBE_INTERVAL_MILLIS) {
            return false;
        }
        lastProbeMillis = now;
        if (owner.requireStore().ping()) {
            available();
            return true;
        }
        unavailable("PING failed");
        return false;
    }
}
