package io.redissessions.jetty;

import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.SessionContext;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.util.thread.AutoLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * The session locks of {@link RedisSessionCache} (lockingMode): tells which request the current
 * thread works for and whether it locks its session, reads a session under its lock for such a
 * request, and ends the lock, with the holder's last save or without one. The cache keeps the
 * sessions in use on this node; this class only takes and gives back their locks.
 */
final class LockedRequests {

    /** Logs as the cache it serves (one logger name for the cache's behaviour). */
    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionCache.class);

    /** The request each thread works for; registered with the context while started. */
    private final CurrentRequests requests = new CurrentRequests();
    /** The context handler {@link #requests} listens to while started; null when no request locks. */
    private volatile ContextHandler scopes;
    /** The store that takes and releases the locks; set by a start with lockingMode on. */
    private volatile RedisSessionDataStore store;

    /**
     * Whether a cache of this session manager and context can lock sessions (lockingMode): its
     * requests save before their response.
     */
    static boolean canLock(SessionManager manager, SessionContext context) {
        return SaveBeforeResponse.isInstalled(manager)
                && context != null && context.getContext() instanceof ContextHandler.ScopedContext;
    }

    /**
     * With lockingMode on, follows which request each thread works for (the context's scope
     * entries), so that a request's session lookup can take the session's lock.
     */
    void start(SessionContext context, RedisSessionDataStore store) {
        this.store = null; // a start with lockingMode none locks nothing, whatever a previous start did
        if (store != null && store.service().lockingMode().isOn()) {
            Context c = context.getContext();
            if (c instanceof ContextHandler.ScopedContext scoped) {
                this.store = store;
                scopes = scoped.getContextHandler();
                scopes.addEventListener(requests);
            }
        }
    }

    /**
     * Whether this cache's last start turned lockingMode on: only then does the cache use any of
     * this class (with lockingMode none, its requests run the unlocked path alone).
     */
    boolean isOn() {
        return store != null;
    }

    void stop() {
        if (scopes != null) {
            scopes.removeEventListener(requests);
            scopes = null;
        }
    }

    /**
     * The request the current thread works for, when it locks the sessions it uses (lockingMode:
     * {@code all}, or {@code uriPattern} matching its path); else null.
     */
    Request lockingRequest() {
        if (scopes == null) {
            return null;
        }
        Request request = requests.current();
        RedisSessionDataStore s = store;
        return request != null && s != null && s.service().locksRequestFor(request.getHttpURI().getCanonicalPath())
                ? request : null;
    }

    /**
     * The session for a request that locks it (lockingMode): an object of its own, read under the
     * session's lock after the requests of the session before it (on this node and elsewhere) are
     * done, never one that other requests here loaded without the lock. It takes the place of any
     * such object for the lookups that follow (requests that do not lock share it); the requests
     * already using that one go on with it. A second lookup by the same request finds the same
     * object. The lock is released by the request's last save, or at its end
     * ({@link #saveAndUnlock}, {@link #endOnRelease}).
     *
     * @param here the object requests of this node use now, or null
     * @param newSession the cache's session object for data read under the lock
     * @return {@code here}, entered once more by the request that holds its lock; or a new object
     *         that {@code request} entered and holds the lock through; or null when there is no
     *         session, or it has expired (then no lock is held: it is left to the expiry claim)
     * @throws io.redissessions.core.SessionStoreException {@code LOCKED} after lockWaitMillis, or
     *         when Redis fails
     */
    ManagedSession lookUp(String id, Request request, ManagedSession here,
            Function<SessionData, RedisManagedSession> newSession) throws Exception {
        if (here instanceof RedisManagedSession r && r.isLockedFor(request)) {
            try (AutoLock ignored = here.lock()) {
                if (here.isResident()) {
                    r.enterAsHolder();
                    return here;
                }
            }
        }
        SessionData data = store.loadLocked(id); // waits for the lock; LOCKED after lockWaitMillis
        if (data == null) {
            return null;
        }
        if (data.isExpiredAt(store.now())) {
            store.unlock(data); // holds none: an expired session is left to the expiry claim
            LOG.debug("redis-sessions: session {} has expired; left to the expiry claim", id);
            return null;
        }
        RedisManagedSession session = newSession.apply(data);
        try (AutoLock ignored = session.lock()) {
            session.setResident(true);
            session.enterLockedFor(request);
        }
        return session;
    }

    /** Whether {@code request} (as a save before its response names it) holds the session's lock. */
    boolean isHeldBy(ManagedSession session, Request request) {
        return session instanceof RedisManagedSession r && r.isLockedFor(CurrentRequests.identity(request));
    }

    /** The session object a request holds the lock through, or null. */
    static RedisManagedSession lockedThrough(ManagedSession session) {
        return session instanceof RedisManagedSession r && r.isLocked() ? r : null;
    }

    /**
     * A request of this thread released {@code locked} (Jetty's count of its requests is down
     * already): ends the lock held through it when this is the holder's last release, or when
     * {@code last} (no request here uses the object any more; both, since the holder's own last
     * release may be Jetty's last too). The lock goes with a save of what changed, or without one
     * when the request was answered 503 because its save failed ({@code answeredFailure}). Call
     * with the session's lock held.
     *
     * @return whether this release ended the lock (then nothing is left to save)
     */
    boolean endOnRelease(RedisManagedSession locked, boolean last, boolean answeredFailure) throws Exception {
        if (!(locked.holderLeaves(requests.current()) | last)) {
            return false;
        }
        if (answeredFailure) {
            locked.lockEnded();
            store.unlock(locked.getSessionData());
        } else {
            saveAndUnlock(locked);
        }
        return true;
    }

    /**
     * The lock holder's last save: writes what changed and releases the session's lock with it;
     * the lock goes also when there is nothing to write, the session was invalidated, or the save
     * fails (then it runs out after its lease).
     */
    void saveAndUnlock(RedisManagedSession session) throws Exception {
        SessionData data = session.getSessionData();
        RedisSessionData redis = data instanceof RedisSessionData d ? d : null;
        try (AutoLock ignored = session.lock()) {
            session.lockEnded();
            if (session.isValid()) {
                if (redis != null) {
                    redis.releaseLockWithSave(true);
                }
                store.store(session.getId(), data);
            }
        } finally {
            if (redis != null) {
                redis.releaseLockWithSave(false);
            }
            store.unlock(data); // nothing written (or not with the lock's release): released apart
        }
    }
}
