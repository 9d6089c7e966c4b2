package io.redissessions.jetty;

import io.redissessions.core.FailureMode;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.connection.RedisConnector;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionUpdate;
import io.redissessions.core.store.StoredSession;
import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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
public class RedisSessionDataStore extends RedisSessionDataStoreBase {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionDataStore.class);

    private Clock clock = Clock.systemUTC();

    private RedisConnector connector;
    private FailureMode failureMode = FailureMode.FAIL;
    private ClassLoader loader;
    /** The nodeId setting was taken from Jetty's worker name by a previous start, not set by the user. */
    private boolean nodeIdFromWorkerName;
    /** The user set nodeId: it is written to #node, whatever Jetty's worker name. */
    private volatile boolean nodeIdExplicit;

    private final RedisAvailability availability = new RedisAvailability(this);
    private final RedisSessionExpiry expiry = new RedisSessionExpiry(this);

    public RedisSessionDataStore() {
        this(new SessionStoreConfig());
    }

    /**
     * A store with these settings (not to be shared with another store). It opens its own pool of
     * connections when it starts and closes it when it stops.
     */
    public RedisSessionDataStore(SessionStoreConfig config) {
        super(config);
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
        availability.clearLocal();
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
            availability.available();
        } catch (SessionStoreException e) {
            if (RedisAvailability.isDataError(e)) {
                s.metrics().decodeFailure();
                LOG.warn("redis-sessions: session {} cannot be read and is treated as absent: {}", id, e.getMessage());
                throw new UnreadableSessionDataException(id, _context, e);
            }
            if (availability.fallBackLocally("load", id, e)) {
                return availability.localSession(id);
            }
            throw e;
        }
        if (stored == null) {
            // created on this node during an outage (failureMode=local): it is written at its next save
            return availability.takeOutageSession(id);
        }
        availability.forgetLocal(id); // once Redis answers again, what it holds wins
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
            availability.available();
        } catch (SessionStoreException e) {
            if (!RedisAvailability.isDataError(e) && availability.fallBackLocally("save", id, e)) {
                availability.keepLocally(id, d);
                return;
            }
            throw e;
        }
        switch (result) {
            case SAVED -> {
                d.saved(update);
                availability.forgetLocal(id);
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
            availability.available();
            return availability.forgetLocal(id) || existed;
        } catch (SessionStoreException e) {
            if (!RedisAvailability.isDataError(e) && availability.fallBackLocally("delete", id, e)) {
                return availability.forgetLocal(id);
            }
            throw e;
        }
    }

    @Override
    public boolean doExists(String id) throws Exception {
        RedisSessionStore s = requireStore();
        try {
            boolean exists = s.exists(id);
            availability.available();
            return exists;
        } catch (SessionStoreException e) {
            if (RedisAvailability.isDataError(e)) {
                return false;
            }
            availability.unavailable(e);
            if (failureMode == FailureMode.LOCAL) {
                RedisSessionData d = availability.localSession(id);
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
            expired.addAll(expiry.claimExpired());
            if (failureMode == FailureMode.LOCAL) {
                availability.addLocalExpired(expired, now);
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
        return expiry.checkExpired(candidates);
    }

    /**
     * Claims sessions whose stored expiry has passed (regardless of {@code before}: the expiry index
     * hands each one to exactly one claimer, so there is no need to leave recent ones to their nodes).
     */
    @Override
    public Set<String> doGetExpired(long before) {
        return new HashSet<>(expiry.claimExpired());
    }

    /**
     * Redis removes every session key by itself (TTL = expiry + grace), in every namespace. What is
     * left to do is this namespace's index entries for sessions that expired before {@code time}
     * and were never claimed, with their hashes if any remain (a key without TTL, written by hand
     * or by a broken client): deleted without listeners.
     */
    @Override
    public void doCleanOrphans(long time) {
        expiry.cleanOrphans(time);
    }

    // ------------------------------------------------------------------ failures (see RedisAvailability)

    /**
     * Whether Redis is reachable, for decisions that have no Redis call of their own (creating a
     * session). Known from the last call; until the first call succeeds, and after a failure, it
     * asks Redis (PING), at most once a second while it is down.
     */
    boolean isRedisAvailable() {
        return availability.isRedisAvailable();
    }

    RedisSessionStore requireStore() {
        RedisSessionStore s = store;
        if (s == null) {
            throw new IllegalStateException("redis-sessions: the store is not started");
        }
        return s;
    }

    // ------------------------------------------------------------------ JMX (see RedisSessionDataStoreBase)

    @Override
    RedisAvailability availability() {
        return availability;
    }

    @Override
    public String toString() {
        return String.format("%s@%x[namespace=%s,uri=%s]", getClass().getSimpleName(), hashCode(), namespace,
                setting("uri"));
    }
}
