package io.redissessions.jetty;

import io.redissessions.core.FailureMode;
import io.redissessions.core.SessionIds;
import io.redissessions.core.SessionStoreException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Session;
import org.eclipse.jetty.session.AbstractSessionCache;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.SessionCache;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.eclipse.jetty.util.StringUtil;
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
import java.util.concurrent.atomic.AtomicReference;
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
 *   <li>{@code sessionDestroyed} and {@code valueUnbound} run on the node whose delete removed the
 *       session from Redis, exactly once across the cluster: a session whose stored expiry has
 *       passed is not handed to a request, the node that claims it from the expiry index expires it;
 *       an invalidation deletes first (see {@link RedisManagedSession}).</li>
 *   <li>A request whose session Redis cannot give (unavailable with {@code failureMode=fail}, or this
 *       node overloaded) gets a stand-in session whose use answers 503; no new session is created
 *       while Redis is down.</li>
 *   <li>A session whose last request on this node completes while another request picks it up is
 *       loaded again for that request, never reported missing: the cache does not rely on the retry
 *       that only some Jetty versions make ({@link #getAndEnter}).</li>
 *   <li>An id renewal renames the session in Redis in one atomic script when the new id is in the
 *       old id's shard ({@link RedisSessionIdManager} makes it so).</li>
 *   <li>An expired session claimed by this node is deleted only after its listeners ran here
 *       ({@link RedisManagedSession#finishInvalidate}); if this node dies in between, the claim's
 *       lease runs out and another node runs them.</li>
 * </ul>
 *
 * Jetty's eviction policy, {@code flushOnResponseCommit} and {@code removeUnloadableSessions} do
 * not apply and are ignored.
 */
@ManagedObject("Session cache for a non-sticky cluster: no sessions kept between requests, write-through at commit")
public class RedisSessionCache extends AbstractSessionCache {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionCache.class);
    private static final String UNAVAILABLE = "Session storage is unavailable, please retry shortly";

    /** Sessions used by requests on this node right now. */
    private final ConcurrentMap<String, ManagedSession> inUse = new ConcurrentHashMap<>();
    /** Expired sessions claimed while a request here held them: expired at the next scavenge. */
    private final Set<String> deferredExpiry = ConcurrentHashMap.newKeySet();
    /** The session locks of the requests that take them (lockingMode). */
    private final LockedRequests locks = new LockedRequests();

    public RedisSessionCache(SessionManager manager) {
        super(manager);
        _evictionPolicy = SessionCache.EVICT_ON_SESSION_EXIT;
        _flushOnResponseCommit = true;
        _removeUnloadableSessions = false; // the store deletes a session whose data is proven bad itself
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
    public void setRemoveUnloadableSessions(boolean removeUnloadableSessions) {
        // the store deletes a session whose data is proven bad (and only such a session) itself
    }

    @Override
    public void setSaveOnInactiveEviction(boolean saveOnEvict) {
        // no inactivity eviction: sessions leave the cache when their last request completes
    }

    /** With lockingMode on, follows which request each thread works for ({@link LockedRequests#start}). */
    @Override
    protected void doStart() throws Exception {
        super.doStart();
        locks.start(_context, redisStore());
    }

    @Override
    protected void doStop() throws Exception {
        locks.stop();
        super.doStop();
    }

    /** Whether this cache locks sessions (its start found lockingMode other than none). */
    boolean locksSessions() {
        return locks.isOn();
    }

    /** Whether this cache can lock sessions (lockingMode): its requests save before their response. */
    boolean canLock() {
        return LockedRequests.canLock(getSessionManager(), _context);
    }

    @ManagedAttribute(value = "sessions used by requests on this node now", readonly = true)
    public int getSessionsInUse() {
        return inUse.size();
    }

    private RedisSessionDataStore redisStore() {
        SessionDataStore s = getSessionDataStore();
        return s instanceof RedisSessionDataStore r ? r : null;
    }

    private long now() {
        RedisSessionDataStore s = redisStore();
        return s == null ? System.currentTimeMillis() : s.now();
    }

    // ------------------------------------------------------------------ the map of sessions in use

    @Override
    public ManagedSession newSession(SessionData data) {
        return new RedisManagedSession(getSessionManager(), data, this);
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
            if (s != null && s.getSessionData().isExpiredAt(now())) {
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

    /**
     * The session object that requests on this node share, loaded from Redis if none is here;
     * {@code enter} counts the caller as one more request using it. A session whose last request
     * completed, and left this cache, between the lookup and the entry is looked up again (then
     * loaded again from Redis): never reported missing, whatever Jetty's version does there (Jetty
     * 12.0.x and 12.1.0 to 12.1.8 return null, and Jetty then creates a new, empty session under
     * the requested id).
     */
    @Override
    protected ManagedSession getAndEnter(String id, boolean enter) throws Exception {
        Request locking = enter && locks.isOn() ? locks.lockingRequest() : null;
        if (locking != null) {
            return getLocked(id, locking);
        }
        while (true) {
            AtomicReference<Exception> failure = new AtomicReference<>();
            ManagedSession session = doComputeIfAbsent(id, k -> {
                try {
                    return loadSession(k);
                } catch (Exception e) {
                    failure.set(e);
                    return null;
                }
            });
            if (failure.get() != null) {
                throw failure.get();
            }
            if (session == null) {
                return null;
            }
            try (AutoLock ignored = session.lock()) {
                if (session.isResident() && inUse.get(id) == session) {
                    if (enter && session instanceof RedisManagedSession r) {
                        r.enter();
                    }
                    return session;
                }
            }
            LOG.debug("redis-sessions: session {} left this node's cache while a request picked it up; looking again", id);
        }
    }

    /**
     * The session for a request that locks it, read under the lock ({@link LockedRequests#lookUp}):
     * it takes the place of any object here for the lookups that follow.
     */
    private ManagedSession getLocked(String id, Request request) throws Exception {
        ManagedSession here = inUse.get(id);
        ManagedSession session = locks.lookUp(id, request, here, data -> {
            data.setLastNode(_context.getWorkerName());
            return (RedisManagedSession) newSession(data);
        });
        if (session != null && session != here) {
            inUse.put(id, session);
        }
        return session;
    }

    /** A session from the store, resident in this cache; null if there is none. */
    private ManagedSession loadSession(String id) throws Exception {
        SessionData data = getSessionDataStore().load(id);
        if (data == null) {
            return null;
        }
        data.setLastNode(_context.getWorkerName());
        ManagedSession session = newSession(data);
        try (AutoLock ignored = session.lock()) {
            session.setResident(true);
        }
        return session;
    }

    // ------------------------------------------------------------------ request path

    /**
     * The session of a request. When Redis cannot give it, a stand-in that answers 503 when used
     * (never a new, empty session); when its data is proven bad, none (the store deleted it).
     */
    @Override
    public ManagedSession get(String id) throws Exception {
        try {
            return super.get(id);
        } catch (SessionStoreException e) {
            // failureMode=local serves node-local sessions inside the store; what reaches here is answered 503
            return new UnavailableSession(getSessionManager(), id, e);
        } catch (UnreadableSessionDataException e) {
            return null; // logged, counted and deleted by the store
        }
    }

    @Override
    public ManagedSession newSession(String id, long time, long maxInactiveMs) {
        RedisSessionDataStore store = redisStore();
        if (store != null && store.service().failureMode() == FailureMode.FAIL
                && !store.service().availability().probe()) {
            throw new RedisSessionUnavailableException(UNAVAILABLE, null);
        }
        return super.newSession(id, time, maxInactiveMs);
    }

    /**
     * Writes every change, in-place ones included, when the response is committed; nothing when
     * {@link SaveBeforeResponse} has just saved the session for this response.
     */
    @Override
    public void commit(ManagedSession session) throws Exception {
        if (SaveBeforeResponse.isSavingOnThisThread(session)) {
            return;
        }
        try {
            save(session);
        } catch (SessionStoreException e) {
            notSaved(session, e);
        }
    }

    /**
     * Writes every change of a request's session now (see {@link SaveBeforeResponse}).
     *
     * @throws SessionStoreException when Redis cannot take it and the request must get the failure
     *         answer (failureMode=fail, or this node overloaded)
     */
    void save(ManagedSession session) throws Exception {
        if (session == null || session instanceof UnavailableSession) {
            return;
        }
        try (AutoLock ignored = session.lock()) {
            if (session.isValid()) {
                getSessionDataStore().store(session.getId(), session.getSessionData());
            }
        }
    }

    /**
     * Writes every change of {@code request}'s session before its response goes out (see
     * {@link SaveBeforeResponse}). {@code complete}: the response goes out whole, the application
     * is done with it; when {@code request} holds the session's lock (lockingMode), this save is its
     * last and releases the lock in the same round trip (a node thread releases it right after when
     * there is nothing to write). Otherwise the lock is released when the request completes.
     *
     * @throws SessionStoreException as {@link #save}
     */
    void saveBeforeResponse(ManagedSession session, Request request, boolean complete) throws Exception {
        if (complete && locks.isOn() && locks.isHeldBy(session, request)) {
            locks.saveAndUnlock((RedisManagedSession) session);
        } else {
            save(session);
        }
    }

    /**
     * A request is done with its session (Jetty calls this when it completes): saves what changed
     * after the commit, and forgets the session once no request here uses it. A request that was
     * answered 503 because its save failed is released without another save. With lockingMode on,
     * the request that holds the session's lock, or else the last request using the object, ends
     * the lock: released with that save, or apart when there is nothing to write
     * ({@link #releaseLocking}).
     */
    @Override
    public void release(ManagedSession session) throws Exception {
        if (session == null || session instanceof UnavailableSession) {
            return;
        }
        try {
            if (locks.isOn()) {
                releaseLocking(session);
            } else if (SaveBeforeResponse.answeredFailureOnThisThread(session)) {
                try (AutoLock ignored = session.lock()) {
                    if (!session.isInvalidOrInvalidating()) {
                        leave(session);
                    }
                }
                // (the finally below forgets it)
            } else {
                super.release(session);
            }
        } catch (SessionStoreException e) {
            notSaved(session, e);
        } finally {
            // a failed save must not leave a stale copy behind for the next request on this node
            try (AutoLock ignored = session.lock()) {
                if (session.getRequests() <= 0 && inUse.remove(session.getId(), session)) {
                    session.setResident(false);
                }
            }
        }
    }

    /**
     * {@link #release} with lockingMode on. Unlike Jetty's release, it never removes another object
     * under the session's id from this cache: a locking request's object may have taken the place
     * of the one released here ({@link #getLocked}).
     */
    private void releaseLocking(ManagedSession session) throws Exception {
        String id = session.getId();
        RedisManagedSession locked = LockedRequests.lockedThrough(session);
        try (AutoLock ignored = session.lock()) {
            if (session.isInvalidOrInvalidating()) {
                if (locked != null) {
                    locks.saveAndUnlock(locked); // invalidated under the lock: nothing to save, the lock goes
                }
                return;
            }
            leave(session);
            boolean last = session.getRequests() <= 0;
            boolean answeredFailure = SaveBeforeResponse.answeredFailureOnThisThread(session);
            if (locked != null && locks.endOnRelease(locked, last, answeredFailure)) {
                return;
            }
            if (!answeredFailure && last) {
                getSessionDataStore().store(id, session.getSessionData());
            }
        }
    }

    /** One request stops using {@code session}, without a save (see {@link RedisManagedSession#leave}). */
    private static void leave(ManagedSession session) {
        if (session instanceof RedisManagedSession r) {
            r.leave();
        } else {
            throw new IllegalStateException("redis-sessions: session " + SessionIds.fingerprint(session.getId())
                    + " was not made by this cache: " + session.getClass().getName());
        }
    }

    /** The policy has logged the outage once; this save's loss is a DEBUG line (the response has gone). */
    private static void notSaved(ManagedSession session, SessionStoreException e) {
        LOG.debug("redis-sessions: session {} was not saved: {}", session.getId(), e.getMessage());
    }

    // ------------------------------------------------------------------ id renewal

    /**
     * Gives a session its new id (Jetty renews it at login): renamed in Redis in one atomic
     * script. Returns null, with the session invalid on this node and nothing stored under the new
     * id, when another node invalidated it (or it expired) before: an invalidation is never undone.
     */
    @Override
    public ManagedSession renewSessionId(String oldId, String newId, String oldExtendedId, String newExtendedId)
            throws Exception {
        if (StringUtil.isBlank(oldId)) {
            throw new IllegalArgumentException("Old session id is null");
        }
        if (StringUtil.isBlank(newId)) {
            throw new IllegalArgumentException("New session id is null");
        }
        ManagedSession session = getAndEnter(oldId, true);
        if (session == null) {
            return null;
        }
        return rename(session, newId, newExtendedId) ? session : null;
    }

    @Override
    protected void renewSessionId(ManagedSession session, String newId, String newExtendedId) throws Exception {
        if (session != null) {
            rename(session, newId, newExtendedId);
        }
    }

    private boolean rename(ManagedSession session, String newId, String newExtendedId) throws Exception {
        RedisSessionDataStore store = redisStore();
        if (store == null || !(session instanceof RedisManagedSession r)
                || !(session.getSessionData() instanceof RedisSessionData data)) {
            super.renewSessionId(session, newId, newExtendedId);
            return true;
        }
        try (AutoLock ignored = session.lock()) {
            String oldId = session.getId();
            r.requireValidForWrite();
            if (!store.changeId(data, newId)) {
                // invalidated or expired elsewhere: its listeners ran there, and it stays gone
                LOG.debug("redis-sessions: session {} was gone from Redis when its id was to be renewed", oldId);
                inUse.remove(oldId, session);
                r.invalidatedElsewhere();
                return false;
            }
            session.setExtendedId(newExtendedId);
            session.onIdChanged();
            inUse.putIfAbsent(newId, session);
            inUse.remove(oldId, session);
            return true;
        }
    }

    // ------------------------------------------------------------------ invalidation and expiry

    /**
     * Deletes a session from Redis for {@link RedisManagedSession#invalidate}: true if this call
     * removed it (then this node runs the listeners), or if it was never stored.
     *
     * @throws RedisSessionUnavailableException (503) when Redis cannot delete it now
     */
    boolean removeFromStore(ManagedSession session) {
        String id = session.getId();
        boolean unsaved = session.getSessionData() instanceof RedisSessionData d && d.isUnsaved();
        try {
            return getSessionDataStore().delete(id) || unsaved;
        } catch (SessionStoreException e) {
            if (unsaved) {
                return true; // nobody but this node knows it
            }
            throw new RedisSessionUnavailableException(UNAVAILABLE, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("redis-sessions: cannot delete session " + SessionIds.fingerprint(id), e);
        }
    }

    /**
     * Jetty lets go of a session: its id was invalidated on this node ({@code invalidateAll}, after
     * {@link RedisManagedSession#invalidate} deleted it) or its expiry was claimed here
     * ({@code expireAll}). Returns the object whose listeners Jetty then runs, or null when there are
     * none to run here: only the node whose delete removed the session from Redis gets one.
     */
    @Override
    public ManagedSession delete(String id) throws Exception {
        ManagedSession here = doGet(id);
        if (here != null && here.isInvalidOrInvalidating()) {
            detach(here); // its own invalidate() has deleted it and runs or ran its listeners
            return here;
        }
        RedisSessionDataStore redis = redisStore();
        if (redis != null && redis.isClaimedHere(id)) {
            return claimedForListeners(redis, id, here);
        }
        ManagedSession session = here != null ? here : loadForListeners(id);
        boolean removed;
        try {
            removed = getSessionDataStore().delete(id);
        } catch (SessionStoreException e) {
            LOG.debug("redis-sessions: session {} could not be deleted now: {}", id, e.getMessage());
            return null;
        }
        if (session == null) {
            return null;
        }
        detach(session);
        if (!removed) {
            if (session instanceof RedisManagedSession r) {
                r.invalidatedElsewhere();
            }
            return null;
        }
        return session;
    }

    /**
     * An expired session this node claimed, for Jetty to run its listeners: the claim is finished
     * (the session deleted) when Jetty finishes invalidating it, after the listeners
     * ({@link RedisManagedSession#finishInvalidate}). If this node dies before, the claim's lease
     * runs out and another node claims the session and runs them.
     */
    private ManagedSession claimedForListeners(RedisSessionDataStore redis, String id, ManagedSession here)
            throws Exception {
        ManagedSession session = here;
        if (session == null) {
            try {
                SessionData data = redis.loadClaimed(id);
                session = data == null ? null : newSession(data);
            } catch (SessionStoreException e) {
                // Redis cannot be used now: the lease runs out and the next pass claims it again
                LOG.debug("redis-sessions: expired session {} could not be loaded for its listeners: {}", id, e.getMessage());
                return null;
            }
        }
        if (!(session instanceof RedisManagedSession r)) {
            redis.finishClaim(id); // gone or unreadable (deleted by the store): nothing to run
            return null;
        }
        detach(session);
        r.finishClaimAfterListeners();
        return session;
    }

    /** Finishes this node's claim on an expired session once its listeners ran: deletes it. */
    void finishExpiryClaim(String id) {
        RedisSessionDataStore redis = redisStore();
        if (redis != null) {
            redis.finishClaim(id);
        }
    }

    /** The stored session, even expired (its grace period keeps it readable), for its listeners. */
    private ManagedSession loadForListeners(String id) throws Exception {
        SessionData data;
        try {
            data = getSessionDataStore().load(id);
        } catch (UnreadableSessionDataException e) {
            return null; // logged, counted and deleted by the store
        } catch (SessionStoreException e) {
            LOG.debug("redis-sessions: session {} could not be loaded for its listeners: {}", id, e.getMessage());
            return null;
        }
        if (data == null) {
            return null;
        }
        data.setLastNode(_context.getWorkerName());
        return newSession(data);
    }

    private void detach(ManagedSession session) {
        try (AutoLock ignored = session.lock()) {
            session.setResident(false);
        }
        inUse.remove(session.getId(), session);
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
                LOG.warn("redis-sessions: cannot save session {} at shutdown: {}", SessionIds.fingerprint(session.getId()),
                        e.toString());
            }
        }
        inUse.clear();
    }
}
