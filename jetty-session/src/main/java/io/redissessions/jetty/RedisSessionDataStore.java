package io.redissessions.jetty;

import io.redissessions.core.FailureMode;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.connection.RedisConnector;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionKeys;
import io.redissessions.core.store.SessionUpdate;
import io.redissessions.core.store.StoreMetrics;
import io.redissessions.core.store.StoredSession;
import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Jetty {@link org.eclipse.jetty.session.SessionDataStore} on the shared Redis store (wire
 * format 1), for one context. Usually made by {@link RedisSessionDataStoreFactory}.
 *
 * <ul>
 *   <li>Load: one round trip; attributes are decoded lazily with the webapp's class loader.</li>
 *   <li>Store: at most one round trip, writing only what changed (attributes set, removed or changed
 *       in place) and a bare access time only when the touch interval has passed.</li>
 *   <li>Expiry: {@link #getExpired} claims expired sessions from the store's expiry index at every
 *       scavenge, whatever the grace period; each expired session is handed to exactly one node.</li>
 *   <li>Redis down: Jetty starts, and the store recovers by itself. With {@code failureMode=fail}
 *       loads and saves fail (the {@link RedisSessionCache} turns that into HTTP 503); with
 *       {@code local} sessions are kept in this node's memory until Redis is back.</li>
 * </ul>
 */
@ManagedObject("Jetty sessions kept in Redis (redis-sessions)")
public class RedisSessionDataStore extends AbstractSessionDataStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionDataStore.class);

    /** Expired sessions claimed per round trip. */
    static final int CLAIM_BATCH = 100;
    /** Most expired sessions handed to Jetty per scavenge; the rest wait for the next one. */
    static final int CLAIM_MAX_PER_SCAVENGE = 10_000;
    private static final long PROBE_INTERVAL_MILLIS = 1000;

    private final SessionStoreConfig config;
    private Clock clock = Clock.systemUTC();

    private volatile RedisSessionStore store;
    private RedisConnector connector;
    private String namespace;
    private FailureMode failureMode = FailureMode.FAIL;
    private ClassLoader loader;
    /** The nodeId setting was taken from Jetty's worker name by a previous start, not set by the user. */
    private boolean nodeIdFromWorkerName;
    /** The user set nodeId: it is written to #node, whatever Jetty's worker name. */
    private volatile boolean nodeIdExplicit;

    /** failureMode=local: sessions this node could not write (or read) while Redis was unreachable. */
    private final Map<String, RedisSessionData> local = new ConcurrentHashMap<>();
    private final AtomicBoolean unavailable = new AtomicBoolean();
    private volatile long lastProbeMillis;
    /** Some call has succeeded since start. */
    private volatile boolean reached;
    private final LongAdder localFallbacks = new LongAdder();

    public RedisSessionDataStore() {
        this(new SessionStoreConfig());
    }

    /**
     * A store with these settings (not to be shared with another store). It opens its own pool of
     * connections when it starts and closes it when it stops.
     */
    public RedisSessionDataStore(SessionStoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The settings; change them before the store starts. */
    public SessionStoreConfig getConfig() {
        return config;
    }

    /** The time source for expiry decisions (the stored expiry is compared with it). */
    public void setClock(Clock clock) {
        checkStarted();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    protected void doStart() throws Exception {
        if (_context == null) {
            throw new IllegalStateException("No SessionContext");
        }
        Context ctx = _context.getContext();
        String contextPath = ctx == null ? "/" : ctx.getContextPath();
        namespace = config.getNamespace() != null ? config.getNamespace()
                : SessionStoreConfig.namespaceForContextPath(contextPath);
        if (nodeIdFromWorkerName) {
            config.setNodeId(null); // taken from the worker name at the previous start: take it again
            nodeIdFromWorkerName = false;
        }
        nodeIdExplicit = config.getNodeId() != null;
        if (!nodeIdExplicit && _context.getWorkerName() != null && !_context.getWorkerName().isBlank()) {
            config.setNodeId(_context.getWorkerName());
            nodeIdFromWorkerName = true;
        }
        config.validate();
        failureMode = config.failureModeValue();
        loader = ctx != null && ctx.getClassLoader() != null ? ctx.getClassLoader()
                : Thread.currentThread().getContextClassLoader();
        connector = new RedisConnector(config); // lazy: Jetty starts while Redis is down
        store = new RedisSessionStore(config, connector, namespace, clock);
        super.doStart();
        LOG.info("redis-sessions: context {} keeps its sessions in Redis, namespace '{}', settings {}",
                contextPath, namespace, config.describe());
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (connector != null) {
            connector.close();
            connector = null;
        }
        local.clear();
    }

    /** The shared store; null before start. */
    RedisSessionStore store() {
        return store;
    }

    /** Jetty's canonical form of this context's path, as in {@link SessionData#getContextPath()}. */
    String canonicalContextPath() {
        return _context.getCanonicalContextPath();
    }

    FailureMode failureMode() {
        return failureMode;
    }

    // ------------------------------------------------------------------ SessionDataStore

    @Override
    public SessionData newSessionData(String id, long created, long accessed, long lastAccessed, long maxInactiveMs) {
        RedisSessionStore s = requireStore();
        return new RedisSessionData(id, _context.getCanonicalContextPath(), _context.getVhost(), created, accessed,
                lastAccessed, maxInactiveMs, s.codec(), s.metrics(), loader);
    }

    @Override
    public boolean isPassivating() {
        // Attributes are decoded one by one on demand; activation listeners would decode them all.
        return false;
    }

    @Override
    public SessionData doLoad(String id) throws Exception {
        RedisSessionStore s = requireStore();
        StoredSession stored;
        try {
            stored = s.load(id);
            available();
        } catch (SessionStoreException e) {
            if (isDataError(e)) {
                s.metrics().decodeFailure();
                LOG.warn("redis-sessions: session {} cannot be read and is treated as absent: {}", id, e.getMessage());
                throw new UnreadableSessionDataException(id, _context, e);
            }
            unavailable(e);
            if (failureMode == FailureMode.LOCAL) {
                localFallback("load", id);
                return local.get(id);
            }
            throw e;
        }
        if (stored == null) {
            // created on this node during an outage (failureMode=local): it is written at its next save
            RedisSessionData outage = local.remove(id);
            if (outage != null) {
                outage.requireCreate();
            }
            return outage;
        }
        local.remove(id); // once Redis answers again, what it holds wins
        return RedisSessionData.fromStored(stored, _context.getCanonicalContextPath(), _context.getVhost(),
                s.codec(), s.metrics(), loader);
    }

    @Override
    public void store(String id, SessionData data) throws Exception {
        // Jetty skips doStore for sessions without setAttribute calls within savePeriodSec; an
        // attribute that was read may have changed in place, so let doStore compare the bytes.
        if (getSavePeriodSec() > 0 && data instanceof RedisSessionData d && d.mayHaveChanged()) {
            data.setDirty(true);
        }
        super.store(id, data);
    }

    @Override
    public void doStore(String id, SessionData data, long lastSaveTime) throws Exception {
        RedisSessionStore s = requireStore();
        RedisSessionData d = data instanceof RedisSessionData r ? r : copyOf(data);
        boolean create = lastSaveTime <= 0 || d.isCreateRequired();
        SessionUpdate update = d.buildUpdate(create, touchIntervalMillis(s, d), s.nodeId(), nodeIdExplicit);
        if (update == null) {
            s.metrics().skippedWrite();
            return;
        }
        SaveResult result;
        try {
            result = s.save(update);
            available();
        } catch (SessionStoreException e) {
            if (!isDataError(e)) {
                unavailable(e);
                if (failureMode == FailureMode.LOCAL) {
                    local.put(id, d);
                    localFallback("save", id);
                    return;
                }
            }
            throw e;
        }
        switch (result) {
            case SAVED -> {
                d.saved(update);
                local.remove(id);
            }
            case GONE -> LOG.info("redis-sessions: session {} was not saved: another node invalidated it meanwhile "
                    + "(it is not re-created)", id);
            case EXPIRED -> LOG.info("redis-sessions: session {} was not saved: it expired in Redis meanwhile", id);
            case ID_TAKEN -> LOG.warn("redis-sessions: new session {} was not saved: a session with this id "
                    + "already exists in Redis", id);
            default -> throw new IllegalStateException(String.valueOf(result));
        }
    }

    private static long touchIntervalMillis(RedisSessionStore s, SessionData d) {
        long maxInactive = d.getMaxInactiveMs();
        return maxInactive <= 0 ? Long.MAX_VALUE : (long) (s.touchIntervalFraction() * maxInactive);
    }

    /** A SessionData made elsewhere (not by this store): stored as a whole. */
    private RedisSessionData copyOf(SessionData data) {
        RedisSessionData d = (RedisSessionData) newSessionData(data.getId(), data.getCreated(), data.getAccessed(),
                data.getLastAccessed(), data.getMaxInactiveMs());
        d.setExpiry(data.getExpiry());
        d.setLastNode(data.getLastNode());
        d.setCookieSet(data.getCookieSet());
        d.setLastSaved(data.getLastSaved());
        d.putAllAttributes(data.getAllAttributes());
        return d;
    }

    @Override
    public boolean delete(String id) throws Exception {
        RedisSessionStore s = requireStore();
        try {
            boolean existed = s.delete(id);
            available();
            return local.remove(id) != null || existed;
        } catch (SessionStoreException e) {
            if (!isDataError(e)) {
                unavailable(e);
                if (failureMode == FailureMode.LOCAL) {
                    localFallback("delete", id);
                    return local.remove(id) != null;
                }
            }
            throw e;
        }
    }

    @Override
    public boolean doExists(String id) throws Exception {
        RedisSessionStore s = requireStore();
        try {
            boolean exists = s.exists(id);
            available();
            return exists;
        } catch (SessionStoreException e) {
            if (isDataError(e)) {
                return false;
            }
            unavailable(e);
            if (failureMode == FailureMode.LOCAL) {
                RedisSessionData d = local.get(id);
                return d != null && !d.isExpiredAt(clock.millis());
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ expiry

    /**
     * Verifies the candidates Jetty's cache holds, and claims every session whose stored expiry
     * has passed from the expiry index (each one goes to exactly one node across the cluster), at
     * every scavenge: unlike Jetty's default, whatever the grace period and not only at the first
     * scavenge after start.
     */
    @Override
    public Set<String> getExpired(Set<String> candidates) {
        if (!isStarted()) {
            throw new IllegalStateException("Not started");
        }
        long now = clock.millis();
        Set<String> expired = new HashSet<>();
        _context.run(() -> {
            expired.addAll(doCheckExpired(candidates, now));
            expired.addAll(claimExpired());
            if (failureMode == FailureMode.LOCAL) {
                local.forEach((id, d) -> {
                    if (d.isExpiredAt(now)) {
                        expired.add(id);
                    }
                });
            }
        });
        if (now > _lastOrphanSweepTime + TimeUnit.SECONDS.toMillis(10L * getGracePeriodSec())) {
            try {
                cleanOrphans(now - TimeUnit.SECONDS.toMillis(10L * getGracePeriodSec()));
            } finally {
                _lastOrphanSweepTime = now;
            }
        }
        return expired;
    }

    /** Candidates that are expired in Redis or gone from it. One round trip each. */
    @Override
    public Set<String> doCheckExpired(Set<String> candidates, long time) {
        Set<String> expired = new HashSet<>();
        RedisSessionStore s = store;
        for (String id : candidates) {
            try {
                if (!s.exists(id)) {
                    expired.add(id);
                }
            } catch (SessionStoreException e) {
                LOG.warn("redis-sessions: cannot check whether session {} expired, will retry: {}", id, e.getMessage());
            }
        }
        return expired;
    }

    /**
     * Claims sessions whose stored expiry has passed (regardless of {@code before}: the expiry index
     * hands each one to exactly one claimer, so there is no need to leave recent ones to their nodes).
     */
    @Override
    public Set<String> doGetExpired(long before) {
        return new HashSet<>(claimExpired());
    }

    private List<String> claimExpired() {
        List<String> all = new ArrayList<>();
        RedisSessionStore s = store;
        try {
            List<String> batch;
            do {
                batch = s.claimExpired(CLAIM_BATCH);
                all.addAll(batch);
            } while (batch.size() == CLAIM_BATCH && all.size() < CLAIM_MAX_PER_SCAVENGE);
            available();
        } catch (SessionStoreException e) {
            LOG.warn("redis-sessions: cannot claim expired sessions of namespace '{}' now, will retry at the next "
                    + "scavenge: {}", namespace, e.getMessage());
        }
        return all;
    }

    /**
     * Redis removes every session key by itself (TTL = expiry + grace), in every namespace. What is
     * left to do is this namespace's index entries for sessions that expired before {@code time}
     * and were never claimed, with their hashes if any remain (a key without TTL, written by hand
     * or by a broken client): deleted without listeners.
     */
    @Override
    public void doCleanOrphans(long time) {
        RedisSessionStore s = store;
        try {
            for (int shard = 0; shard < SessionKeys.SHARDS; shard++) {
                List<String> ids = s.connector().client().zrangeByScore(s.keys().indexKey(shard), "-inf",
                        Long.toString(time), 0, CLAIM_BATCH);
                for (String id : ids) {
                    s.delete(id);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("redis-sessions: cleaning orphaned sessions of namespace '{}' failed, will retry: {}",
                    namespace, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ failures

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

    private void unavailable(SessionStoreException e) {
        unavailable(e.getMessage());
    }

    private void unavailable(String why) {
        if (unavailable.compareAndSet(false, true)) {
            LOG.warn("redis-sessions: Redis cannot be reached ({}); {}", why,
                    failureMode == FailureMode.LOCAL
                            ? "serving node-local sessions until it is back (failureMode=local)"
                            : "requests that need their session are answered with 503 until it is back (failureMode=fail)");
        }
        lastProbeMillis = System.currentTimeMillis();
    }

    private void available() {
        reached = true;
        if (unavailable.compareAndSet(true, false)) {
            LOG.info("redis-sessions: Redis is reachable again, namespace '{}'", namespace);
        }
    }

    private void localFallback(String what, String id) {
        localFallbacks.increment();
        LOG.debug("redis-sessions: {} of session {} served node-locally (Redis unreachable)", what, id);
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
        if (requireStore().ping()) {
            available();
            return true;
        }
        unavailable("PING failed");
        return false;
    }

    private RedisSessionStore requireStore() {
        RedisSessionStore s = store;
        if (s == null) {
            throw new IllegalStateException("redis-sessions: the store is not started");
        }
        return s;
    }

    // ------------------------------------------------------------------ JMX: settings

    private String setting(String name) {
        return config.describe().get(name);
    }

    @ManagedAttribute("Redis URI (password masked)")
    public String getUri() { return setting("uri"); }

    @ManagedAttribute("Redis ACL user")
    public String getUser() { return setting("user"); }

    @ManagedAttribute("Redis password (always masked)")
    public String getPassword() { return setting("password"); }

    @ManagedAttribute("Namespace of this context's sessions")
    public String getNamespace() { return namespace != null ? namespace : setting("namespace"); }

    @ManagedAttribute("Prefix of every key")
    public String getKeyPrefix() { return setting("keyPrefix"); }

    @ManagedAttribute("Node id written with every save")
    public String getNodeId() { return store != null ? store.nodeId() : setting("nodeId"); }

    @ManagedAttribute("Attribute codec: json or java")
    public String getCodec() { return setting("codec"); }

    @ManagedAttribute("Classes allowed in sessions besides built-in value types")
    public String getAllowedClasses() { return setting("allowedClasses"); }

    @ManagedAttribute("Values at least this large are compressed (bytes, 0 = off)")
    public int getCompressionThresholdBytes() { return config.getCompressionThresholdBytes(); }

    @ManagedAttribute("HMAC signing key (always masked)")
    public String getSigningKey() { return setting("signingKey"); }

    @ManagedAttribute("What requests get while Redis is down: fail (503) or local")
    public String getFailureMode() { return setting("failureMode"); }

    @ManagedAttribute("Connect timeout (ms)")
    public int getConnectTimeoutMillis() { return config.getConnectTimeoutMillis(); }

    @ManagedAttribute("Socket (read) timeout (ms)")
    public int getSocketTimeoutMillis() { return config.getSocketTimeoutMillis(); }

    @ManagedAttribute("Most pooled connections")
    public int getPoolMaxTotal() { return config.getPoolMaxTotal(); }

    @ManagedAttribute("Longest wait for a pooled connection (ms)")
    public int getPoolMaxWaitMillis() { return config.getPoolMaxWaitMillis(); }

    @ManagedAttribute("Client name of the connections")
    public String getClientName() { return setting("clientName"); }

    @ManagedAttribute("TLS trust store path")
    public String getTlsTrustStore() { return setting("tlsTrustStore"); }

    @ManagedAttribute("TLS key store path")
    public String getTlsKeyStore() { return setting("tlsKeyStore"); }

    @ManagedAttribute("How long expired session data stays readable for listeners (s)")
    public int getExpiryGraceSeconds() { return config.getExpiryGraceSeconds(); }

    @ManagedAttribute("A bare access time is written when older than this fraction of the max inactive interval")
    public double getTouchIntervalFraction() { return config.getTouchIntervalFraction(); }

    // ------------------------------------------------------------------ JMX: counters

    private StoreMetrics metrics() {
        RedisSessionStore s = store;
        return s == null ? new StoreMetrics() : s.metrics();
    }

    @ManagedAttribute("Sessions loaded (round trips that read a session)")
    public long getLoads() { return metrics().getLoads(); }

    @ManagedAttribute("Loads that found no session")
    public long getLoadMisses() { return metrics().getLoadMisses(); }

    @ManagedAttribute("Sessions written")
    public long getSaves() { return metrics().getSaves(); }

    @ManagedAttribute("Saves skipped because nothing changed")
    public long getSkippedWrites() { return metrics().getSkippedWrites(); }

    @ManagedAttribute("Saves refused because the session was deleted, expired or its id taken meanwhile")
    public long getSaveConflicts() { return metrics().getSaveConflicts(); }

    @ManagedAttribute("Sessions deleted")
    public long getDeletes() { return metrics().getDeletes(); }

    @ManagedAttribute("Expired sessions claimed by this node")
    public long getExpiredClaimed() { return metrics().getExpiredClaimed(); }

    @ManagedAttribute("Bytes read from Redis")
    public long getBytesRead() { return metrics().getBytesRead(); }

    @ManagedAttribute("Bytes written to Redis")
    public long getBytesWritten() { return metrics().getBytesWritten(); }

    @ManagedAttribute("Attributes or sessions that could not be decoded (treated as absent)")
    public long getDecodeFailures() { return metrics().getDecodeFailures(); }

    @ManagedAttribute("Attributes that could not be encoded at save time (not written)")
    public long getEncodeFailures() { return metrics().getEncodeFailures(); }

    @ManagedAttribute("Redis calls that failed")
    public long getRedisErrors() { return metrics().getRedisErrors(); }

    @ManagedAttribute("Redis round trips")
    public long getRoundTrips() { return metrics().getRoundTrips(); }

    @ManagedAttribute("Mean Redis round-trip latency (microseconds)")
    public long getMeanLatencyMicros() { return metrics().getMeanLatencyMicros(); }

    @ManagedAttribute("Loads, saves and deletes served node-locally while Redis was down (failureMode=local)")
    public long getLocalFallbacks() { return localFallbacks.sum(); }

    @ManagedAttribute("Whether Redis answered the last call")
    public boolean isRedisReachable() { return !unavailable.get(); }

    @Override
    public String toString() {
        return String.format("%s@%x[namespace=%s,uri=%s]", getClass().getSimpleName(), hashCode(), namespace,
                setting("uri"));
    }
}
