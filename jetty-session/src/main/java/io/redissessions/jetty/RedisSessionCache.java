package io.redissessions.jetty;

import io.redissessions.core.FailureMode;
import io.redissessions.core.SessionStoreException;
import org.eclipse.jetty.server.Session;
import org.eclipse.jetty.session.AbstractSessionCache;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.SessionCache;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.thread.AutoLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * The session cache for a cluster behind a non-sticky load balancer: the store in Redis is the only
 * copy that lasts beyond a request.
 *
 * <ul>
 *   <li>A session is loaded from the store when a request needs it and forgotten when the last
 *       request on this node that uses it completes; concurrent requests on one node share one
 *       object.</li>
 *   <li>Every change, in-place mutations of attribute values included, is written when the
 *       response is committed, so a client that sends its next request to another node finds it
 *       there; whatever changes after the commit is written when the request completes.</li>
 *   <li>A session whose stored expiry has passed is not handed to a request: the node that claims
 *       it from the expiry index fires {@code sessionDestroyed}, exactly once across the cluster.
 *       Invalidation by the application fires it once too, on the node that invalidated.</li>
 *   <li>{@code failureMode=fail}: a request whose session cannot be loaded because Redis is down
 *       gets a stand-in session whose use answers 503; no new session is created while Redis is
 *       down.</li>
 * </ul>
 *
 * Jetty's eviction policy and {@code flushOnResponseCommit} do not apply and are ignored.
 */
@ManagedObject("Session cache for a non-sticky cluster: no sessions kept between requests, write-through at commit")
public class RedisSessionCache extends AbstractSessionCache {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionCache.class);

    /** Sessions used by requests on this node right now. */
    private final ConcurrentMap<String, ManagedSession> inUse = new ConcurrentHashMap<>();
    /** Expired sessions claimed while a request here held them: expired at the next scavenge. */
    private final Set<String> deferredExpiry = ConcurrentHashMap.newKeySet();

    public RedisSessionCache(SessionManager manager) {
        super(manager);
        _evictionPolicy = SessionCache.EVICT_ON_SESSION_EXIT;
        _flushOnResponseCommit = true;
        _removeUnloadableSessions = true;
    }

    @Override
    public void setEvictionPolicy(int evictionTimeout) {
        if (evictionTimeout != SessionCache.EVICT_ON_SESSION_EXIT) {
            LOG.debug("redis-sessions: evictionPolicy {} ignored: sessions are never kept between requests",
                    evictionTimeout);
        }
    }

    @Override
    public void setFlushOnResponseCommit(boolean flushOnResponseCommit) {
        if (!flushOnResponseCommit) {
            LOG.debug("redis-sessions: flushOnResponseCommit=false ignored: changes are always written at commit");
        }
    }

    @Override
    public void setSaveOnInactiveEviction(boolean saveOnEvict) {
        // no inactivity eviction: sessions leave the cache when their last request completes
    }

    @ManagedAttribute(value = "sessions used by requests on this node now", readonly = true)
    public int getSessionsInUse() {
        return inUse.size();
    }

    private RedisSessionDataStore redisStore() {
        SessionDataStore s = getSessionDataStore();
        return s instanceof RedisSessionDataStore r ? r : null;
    }

    private FailureMode failureMode() {
        RedisSessionDataStore s = redisStore();
        return s == null ? FailureMode.FAIL : s.failureMode();
    }

    // ------------------------------------------------------------------ the map of sessions in use

    @Override
    public ManagedSession newSession(SessionData data) {
        return new ManagedSession(getSessionManager(), data);
    }

    @Override
    protected ManagedSession doGet(String id) {
        return id == null ? null : inUse.get(id);
    }

    @Override
    protected Session doPutIfAbsent(String id, ManagedSession session) {
        return inUse.putIfAbsent(id, session);
    }

    @Override
    protected ManagedSession doComputeIfAbsent(String id, Function<String, ManagedSession> load) {
        return inUse.computeIfAbsent(id, k -> {
            ManagedSession s = load.apply(k);
            if (s != null && s.getSessionData().isExpiredAt(System.currentTimeMillis())) {
                // expired by what is stored: the node that claims it from the expiry index fires
                // the listeners; a request must not (that would make two calls across the cluster)
                LOG.debug("redis-sessions: session {} has expired; left to the expiry claim", k);
                return null;
            }
            return s;
        });
    }

    @Override
    protected boolean doReplace(String id, ManagedSession oldValue, ManagedSession newValue) {
        return inUse.replace(id, oldValue, newValue);
    }

    @Override
    public ManagedSession doDelete(String id) {
        return inUse.remove(id);
    }

    // ------------------------------------------------------------------ request path

    @Override
    public ManagedSession get(String id) throws Exception {
        try {
            return super.get(id);
        } catch (SessionStoreException e) {
            if (failureMode() == FailureMode.FAIL) {
                return new UnavailableSession(getSessionManager(), id, e);
            }
            throw e;
        }
    }

    @Override
    public ManagedSession newSession(String id, long time, long maxInactiveMs) {
        RedisSessionDataStore store = redisStore();
        if (store != null && store.failureMode() == FailureMode.FAIL && !store.isRedisAvailable()) {
            throw new RedisSessionUnavailableException("Session storage is unavailable, please retry shortly", null);
        }
        return super.newSession(id, time, maxInactiveMs);
    }

    /** Writes every change, in-place ones included, before the response leaves. */
    @Override
    public void commit(ManagedSession session) throws Exception {
        if (session == null || session instanceof UnavailableSession) {
            return;
        }
        try (AutoLock ignored = session.lock()) {
            if (session.isValid()) {
                getSessionDataStore().store(session.getId(), session.getSessionData());
            }
        }
    }

    /** Saves what changed after the commit and forgets the session once no request here uses it. */
    @Override
    public void release(ManagedSession session) throws Exception {
        if (session == null || session instanceof UnavailableSession) {
            return;
        }
        try {
            super.release(session);
        } finally {
            // a failed save must not leave a stale copy behind for the next request on this node
            try (AutoLock ignored = session.lock()) {
                if (session.getRequests() <= 0 && inUse.remove(session.getId(), session)) {
                    session.setResident(false);
                }
            }
        }
    }

    // ------------------------------------------------------------------ invalidation and expiry

    /**
     * Deletes a session from Redis and returns the object whose listeners are to be called: the one
     * a request on this node uses (the one that invalidated it, whose listeners have run), else the
     * stored data, even expired (its grace period keeps it readable).
     */
    @Override
    public ManagedSession delete(String id) throws Exception {
        ManagedSession session = doGet(id);
        if (session == null) {
            SessionData data = null;
            try {
                data = getSessionDataStore().load(id);
            } catch (UnreadableSessionDataException e) {
                LOG.warn("redis-sessions: session {} cannot be read; it is deleted without listeners", id);
            }
            if (data != null) {
                data.setLastNode(_context.getWorkerName());
                session = newSession(data);
            }
        }
        boolean deleted = getSessionDataStore().delete(id);
        LOG.debug("redis-sessions: session {} deleted from the store: {}", id, deleted);
        if (session != null) {
            try (AutoLock ignored = session.lock()) {
                session.setResident(false);
            }
            inUse.remove(id, session);
        }
        return session;
    }

    @Override
    public Set<String> checkExpiration(Set<String> candidates) {
        if (!isStarted()) {
            return Collections.emptySet();
        }
        Set<String> all = new HashSet<>(getSessionDataStore().getExpired(candidates));
        all.addAll(deferredExpiry);
        deferredExpiry.clear();
        Set<String> ready = new HashSet<>();
        for (String id : all) {
            ManagedSession s = doGet(id);
            if (s != null && s.getRequests() > 0) {
                deferredExpiry.add(id); // claimed by us: nobody else will expire it
            } else {
                ready.add(id);
            }
        }
        return ready;
    }

    @Override
    public void shutdown() {
        for (ManagedSession session : inUse.values()) {
            try {
                if (isInvalidateOnShutdown()) {
                    session.invalidate();
                } else {
                    try (AutoLock ignored = session.lock()) {
                        getSessionDataStore().store(session.getId(), session.getSessionData());
                        session.setResident(false);
                    }
                }
            } catch (Exception e) {
                LOG.warn("redis-sessions: cannot save session {} at shutdown: {}", session.getId(), e.toString());
            }
        }
        inUse.clear();
    }
}
