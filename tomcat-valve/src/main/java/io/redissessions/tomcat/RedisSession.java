package io.redissessions.tomcat;

import io.redissessions.core.SessionIds;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionState;
import jakarta.servlet.http.HttpSessionBindingListener;
import org.apache.catalina.session.StandardSession;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import java.security.Principal;
import java.util.Set;

/**
 * A Tomcat session whose data lives in Redis. Tomcat's own {@link StandardSession} logic
 * (listeners, events, notes, the facade) runs unchanged; the attribute map is a view of a
 * {@link SessionState}, which owns the store policy: lazy decoding, encoding at
 * {@code setAttribute}, saving only what changed, touch throttling.
 *
 * <p>One object serves the requests of its session that run on this node at the same time (see
 * {@link SharedSessions}): it is loaded when the first of them asks for its session, saved when
 * each of them ends, and forgotten when the last one has. Its validity is what Redis said when it
 * was loaded; expiry is decided by the stored data, never by this object's clock.
 *
 * <p>The authentication state (auth type, principal, the FORM authenticator's notes) travels as
 * container extras, see {@link SessionExtras}.
 */
public class RedisSession extends StandardSession {

    private static final long serialVersionUID = 1L;
    private static final Log log = LogFactory.getLog(RedisSession.class);

    private final transient RedisSessionManager redisManager;
    private final transient StateAttributeMap attributeMap;
    private transient volatile SessionState state;
    /** Claimed as expired by this node: it runs its listeners, then the expiry pass deletes it. */
    private final boolean claimed;
    /** Kept in the manager's node-local map while Redis is unreachable (failureMode=local). */
    private volatile boolean local;
    /** Accessed or changed since its last save: {@link #endAccess()} saves what the valve did not. */
    private volatile boolean unsaved;
    /** invalidate() is running (as opposed to a node-local timeout). */
    private volatile boolean invalidating;
    private volatile boolean principalWarningLogged;

    /**
     * @param id the session's id in Tomcat: the stored (cluster) id of {@code state} with a node
     *           suffix ({@code .jvmRoute}, or a Jetty worker name) or without
     */
    RedisSession(RedisSessionManager manager, SessionState state, String id, boolean claimed) {
        super(manager);
        this.redisManager = manager;
        this.state = state;
        this.claimed = claimed;
        this.attributeMap = new StateAttributeMap(this);
        this.attributes = attributeMap;
        this.id = id;
        this.creationTime = state.createdMillis();
        this.lastAccessedTime = state.accessedMillis();
        this.thisAccessedTime = state.accessedMillis();
        this.maxInactiveInterval = state.maxInactiveSeconds();
        this.isNew = state.isNew();
        this.isValid = true;
        restoreExtras();
    }

    SessionState state() {
        return state;
    }

    ClassLoader classLoader() {
        return redisManager.webappClassLoader();
    }

    boolean isLocal() {
        return local;
    }

    void setLocal(boolean local) {
        this.local = local;
    }

    boolean isClaimed() {
        return claimed;
    }

    // ------------------------------------------------------------------ access

    @Override
    public void access() {
        super.access();
        long now = redisManager.clock().millis();
        this.thisAccessedTime = now;
        state.access(now);
        unsaved = true;
    }

    /**
     * Tomcat calls this when the request is recycled, after the response. The valve has saved the
     * session by then; this saves only what it could not see (a session reached by a request
     * that did not pass the valve, or changed after the valve finished).
     */
    @Override
    public void endAccess() {
        super.endAccess();
        if (unsaved && isValid && !claimed) {
            redisManager.saveQuietly(this, "after the request");
        }
    }

    /** Redis decides validity: a loaded session is valid until invalidated; local ones time out here. */
    @Override
    public boolean isValid() {
        if (local) {
            return super.isValid();
        }
        return this.isValid;
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        super.setMaxInactiveInterval(interval);
        if (state != null) {
            state.setMaxInactiveSeconds(interval);
            changedAfterSave();
        }
    }

    /** Called by the attribute map after a change. */
    void changedAfterSave() {
        unsaved = true;
    }

    // ------------------------------------------------------------------ attributes

    /** Any value the codec can store may be set, Serializable or not; the codec is the judge. */
    @Override
    public boolean isAttributeDistributable(String name, Object value) {
        return true;
    }

    @Override
    public void setAttribute(String name, Object value, boolean notify) {
        if (notify && value instanceof HttpSessionBindingListener && name != null) {
            // Tomcat calls valueBound before storing: make sure the value can be stored first.
            redisManager.service().requireStorable(name, value);
        }
        super.setAttribute(name, value, notify);
    }

    // ------------------------------------------------------------------ invalidation and expiry

    @Override
    public void invalidate() {
        invalidating = true;
        try {
            super.invalidate();
        } finally {
            invalidating = false;
        }
    }

    /**
     * Invalidation deletes the session in Redis first, and runs the listeners only if this call
     * removed it there: once across nodes, also when several requests invalidate it at once. A
     * claimed (expired) session runs its listeners; the expiry pass deletes it afterwards.
     */
    @Override
    public void expire(boolean notify) {
        if (!isValid) {
            return;
        }
        synchronized (this) {
            // requests sharing this object may invalidate it together: one of them decides
            if (!isValid || expiring) {
                return;
            }
            if (claimed) {
                super.expire(notify);
                return;
            }
            boolean stored = !state.isNew();
            if (stored && local && !invalidating) {
                // a node-local copy of a stored session timed out here: whoever claims it in Redis runs the listeners
                super.expire(false);
                return;
            }
            if (stored) {
                Boolean deletedHere = redisManager.invalidateInStore(this);
                if (Boolean.FALSE.equals(deletedHere)) {
                    // gone already: another node invalidated or expired it and ran the listeners
                    redisManager.invalidated(this);
                    super.expire(false);
                    return;
                }
            }
            redisManager.invalidated(this);
            super.expire(notify);
        }
    }

    // ------------------------------------------------------------------ id change

    /**
     * Moves this session to a new id: renamed in Redis (data, TTL and expiry entry), then reopened
     * under the new id with this request's changes carried over, including objects the
     * application holds and may still change in place.
     */
    void moveTo(String newId) {
        SessionState old = state;
        SessionState fresh = null;
        String newClusterId = RedisSessionManager.clusterId(newId);
        if (!old.isNew()) {
            fresh = redisManager.changeIdInStore(old, newClusterId);
        }
        ClassLoader loader = classLoader();
        Set<String> carried;
        if (fresh == null) {
            // never stored, or gone meanwhile: it continues as a new session under the new id
            fresh = redisManager.service().create(newClusterId, old.maxInactiveSeconds());
            carried = old.attributeNames();
        } else {
            carried = attributeMap.touchedNames();
        }
        for (String name : carried) {
            Object value = old.getAttribute(name, loader);
            if (value != null) {
                fresh.setAttribute(name, value);
            } else if (attributeMap.wasRemoved(name)) {
                fresh.removeAttribute(name);
            }
        }
        fresh.setMaxInactiveSeconds(old.maxInactiveSeconds());
        fresh.access(old.accessedMillis());
        fresh.adoptLock(old); // the request keeps the lock it took under the old id, and releases it at its end
        state = fresh;
        unsaved = true;
    }

    // ------------------------------------------------------------------ saving

    /**
     * Writes what changed since the last save, in one round trip or none; {@code last}: the
     * request is done with the session, and its lock (lockingMode) is released with the save, or
     * right after it when there is nothing to write.
     *
     * @return the store's answer, or null when there was nothing to write
     * @throws io.redissessions.core.SessionStoreException when Redis cannot take it
     */
    SaveResult save(boolean last) {
        syncExtras();
        unsaved = false;
        // the request's last save releases the session's lock (lockingMode) with it
        return last ? redisManager.service().saveAndUnlock(state) : redisManager.service().save(state);
    }

    private void syncExtras() {
        SessionState s = state;
        s.setExtra(SessionExtras.AUTH_TYPE, authType);
        Principal p = principal;
        String encoded = SessionExtras.encodePrincipal(p);
        if (p != null && encoded == null && !principalWarningLogged) {
            principalWarningLogged = true;
            log.warn("redis-sessions: session " + SessionIds.fingerprint(id) + ": the principal of class " + p.getClass().getName()
                    + " is not a GenericPrincipal and is not stored; the user will authenticate again on other nodes");
        }
        s.setExtra(SessionExtras.PRINCIPAL, encoded);
        for (String note : SessionExtras.PERSISTED_NOTES) {
            s.setExtra(SessionExtras.NOTE_PREFIX + note, SessionExtras.encodeNote(notes.get(note)));
        }
    }

    private void restoreExtras() {
        SessionState s = state;
        this.authType = s.extra(SessionExtras.AUTH_TYPE);
        String p = s.extra(SessionExtras.PRINCIPAL);
        if (p != null) {
            try {
                this.principal = SessionExtras.decodePrincipal(p);
            } catch (SessionExtras.UnreadableExtraException e) {
                unreadable("its principal", e);
            }
        }
        for (String note : SessionExtras.PERSISTED_NOTES) {
            String text = s.extra(SessionExtras.NOTE_PREFIX + note);
            if (text != null) {
                try {
                    notes.put(note, SessionExtras.decodeNote(text));
                } catch (SessionExtras.UnreadableExtraException e) {
                    unreadable("note " + note, e);
                }
            }
        }
    }

    private void unreadable(String what, Exception e) {
        log.warn("redis-sessions: " + what + " of session " + SessionIds.fingerprint(id)
                + " in Redis cannot be read and is treated as absent: " + e.getMessage());
    }

    @Override
    public String toString() {
        return "RedisSession[" + SessionIds.fingerprint(id) + "]"; // ids are not for logs
    }
}
