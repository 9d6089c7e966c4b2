package io.redissessions.tomcat;

import io.redissessions.core.SessionIds;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.session.SessionService;
import io.redissessions.core.store.SessionState;

/**
 * Which object a request gets for a session id that it has not looked up before, and that is
 * not a node-local session: the one other requests of the session on this node are using
 * ({@link SharedSessions}), else one loaded from Redis. A load that fails gives the request no
 * session (failureMode=local while Redis is unreachable) or a 503, which the request remembers so
 * that it does not ask Redis again.
 */
final class SessionLookup {

    private final RedisSessionManager manager;
    private final SharedSessions shared = new SharedSessions();

    SessionLookup(RedisSessionManager manager) {
        this.manager = manager;
    }

    /**
     * The session for a request inside the valve's scope: shared, and released by the scope when
     * the request ends. Null if there is none.
     *
     * @throws SessionStoreUnavailableException the request gets 503
     */
    RedisSession find(SessionService service, String id, RequestScope scope) {
        if (scope.isLocking()) {
            return findLocked(service, id, scope);
        }
        RedisSession found;
        try {
            found = shared.acquire(RedisSessionManager.clusterId(id), () -> open(service, id));
        } catch (SessionStoreException e) {
            found = failed(service, e, id, scope);
        }
        if (found == null) {
            scope.rememberAbsent(manager, id);
        } else {
            scope.acquired(found);
            scope.remember(manager, id, found);
        }
        return found;
    }

    /**
     * The session for a request that locks it (lockingMode): an object of its own, read under the
     * session's lock after the requests of the session before it (on this node and elsewhere) are
     * done; the valve saves it and releases the lock when the request ends. A second id of the same
     * session (another node suffix) finds the same object.
     *
     * @throws SessionStoreUnavailableException the request gets 503 (the lock stayed held for
     *         lockWaitMillis, or Redis failed)
     */
    private RedisSession findLocked(SessionService service, String id, RequestScope scope) {
        String clusterId = RedisSessionManager.clusterId(id);
        RedisSession found = scope.locked(manager, clusterId);
        if (found == null) {
            try {
                SessionState state = service.openLocked(clusterId);
                if (state != null) {
                    found = new RedisSession(manager, state, id, false);
                    found.getSession();
                    scope.rememberLocked(manager, clusterId, found);
                }
            } catch (SessionStoreException e) {
                found = failed(service, e, id, scope);
            }
        }
        if (found == null) {
            scope.rememberAbsent(manager, id);
        } else {
            scope.remember(manager, id, found);
        }
        return found;
    }

    /**
     * The session for a caller outside any request scope (no valve on its path): the object
     * requests are using, else a copy of its own, saved by {@link RedisSession#endAccess()}.
     */
    RedisSession findOutsideRequest(SessionService service, String id) {
        RedisSession inUse = shared.inUse(RedisSessionManager.clusterId(id));
        if (inUse != null) {
            return inUse;
        }
        try {
            return open(service, id);
        } catch (SessionStoreException e) {
            return failed(service, e, id, null);
        }
    }

    /** A session a request created: shared from now on, released when that request ends. */
    void created(RedisSession session, RequestScope scope) {
        shared.register(session, RedisSessionManager.clusterId(session.getIdInternal()));
        scope.acquired(session);
        scope.remember(manager, session.getIdInternal(), session);
    }

    /** Loads a session as a new object; the id as the request presented it (its suffix is kept). */
    private RedisSession open(SessionService service, String id) {
        SessionState state = service.open(RedisSessionManager.clusterId(id));
        if (state == null) {
            return null;
        }
        RedisSession session = new RedisSession(manager, state, id, false);
        session.getSession(); // its facade exists before another request can share it
        return session;
    }

    private RedisSession failed(SessionService service, SessionStoreException e, String id, RequestScope scope) {
        try {
            FailureAnswer.react(service, e, "load session " + SessionIds.fingerprint(id));
            return null; // failureMode=local: this request goes on without it
        } catch (SessionStoreUnavailableException unavailable) {
            if (scope != null) {
                scope.rememberFailed(manager, id, unavailable);
            }
            throw unavailable;
        }
    }

    SharedSessions shared() {
        return shared;
    }
}
