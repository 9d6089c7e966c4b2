package io.redissessions.jetty;

import io.redissessions.core.SessionIds;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.util.thread.AutoLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's session object, made by {@link RedisSessionCache}, with one change: invalidation deletes
 * the session from Redis first, and runs {@code sessionDestroyed} and {@code valueUnbound} only if
 * this delete removed it. When two nodes invalidate one session at once (a logout that reaches two
 * nodes), one delete removes it and only that node runs the listeners; on the other node the
 * session just becomes invalid. Jetty's own {@link ManagedSession#invalidate} runs the listeners
 * before the store delete, on every node that invalidates.
 */
final class RedisManagedSession extends ManagedSession {

    private static final Logger LOG = LoggerFactory.getLogger(RedisManagedSession.class);

    private final RedisSessionCache cache;
    /** This node claimed the session's expiry: the claim is finished when the invalidation is. */
    private boolean expiryClaim;
    /**
     * The request that loaded this object under the session's lock (lockingMode), as
     * {@link CurrentRequests#identity} names it, until it is done with the lock; else null.
     */
    private Request lockHolder;
    /** How many times the lock holder entered this object and has not released it yet. */
    private int holderUses;

    RedisManagedSession(SessionManager manager, SessionData data, RedisSessionCache cache) {
        super(manager, data);
        this.cache = cache;
    }

    /**
     * @throws IllegalStateException if the session is invalid already (as Jetty's)
     * @throws RedisSessionUnavailableException (503) if Redis cannot delete it now: the session
     *         stays valid, in Redis and here, and no listener has run
     */
    @Override
    public void invalidate() {
        if (_manager == null) {
            throw new IllegalStateException("No session manager for session " + SessionIds.fingerprint(getId()));
        }
        if (!beginInvalidate()) {
            return; // another request on this node is invalidating it
        }
        String id = getId();
        boolean removed;
        try {
            removed = cache.removeFromStore(this);
        } catch (RuntimeException e) {
            abandonInvalidate();
            throw e;
        }
        if (removed) {
            try {
                _manager.onSessionDestroyed(this);
            } catch (Exception e) {
                LOG.warn("redis-sessions: a sessionDestroyed listener of session {} failed", SessionIds.fingerprint(id), e);
            } finally {
                finishInvalidate(); // valueUnbound and attribute listeners, then invalid
            }
        } else {
            LOG.debug("redis-sessions: session {} was invalidated on another node meanwhile; no listeners here", id);
            invalidatedElsewhere();
        }
        try {
            _manager.getSessionIdManager().invalidateAll(id); // every context of this node lets go of it
        } catch (Exception e) {
            LOG.warn("redis-sessions: session {} could not be released by every context", SessionIds.fingerprint(id), e);
        }
    }

    /** One more request uses this session (Jetty's {@code use()}). Call with the lock held. */
    void enter() {
        use();
    }

    /**
     * One request stops using this session without Jetty's cache saving it (Jetty's
     * {@code release()}, which {@link RedisSessionCache#release} cannot call: it is package-private
     * in Jetty 12.0.x, public only from 12.1, and a call compiled against 12.1 fails on 12.0 with
     * {@link IllegalAccessError}). As Jetty's: when no request is left, the expiry is counted from
     * now and the inactivity timer starts again. Call with the lock held.
     */
    void leave() {
        try (AutoLock ignored = lock()) {
            _requests--;
            if (_requests == 0) {
                long now = System.currentTimeMillis();
                getSessionData().calcAndSetExpiry(now);
                _sessionInactivityTimer.schedule(calculateInactivityTimeout(now));
            }
        }
    }

    /**
     * This object was read under the session's lock, for {@code request}, which enters it (as
     * {@link #enter}): that request's end releases the lock. Call with the lock held.
     */
    void enterLockedFor(Request request) {
        lockHolder = request;
        holderUses = 1;
        use();
    }

    /** The lock holder enters this object once more (a second lookup in its request). Call with the lock held. */
    void enterAsHolder() {
        holderUses++;
        use();
    }

    /**
     * A request releases this object: true when it is the lock holder's last release (its end).
     * Call with the lock held.
     */
    boolean holderLeaves(Request request) {
        if (lockHolder == null || lockHolder != request || holderUses <= 0) {
            return false;
        }
        return --holderUses == 0;
    }

    /** Whether {@code request} holds the session's lock through this object. */
    boolean isLockedFor(Request request) {
        try (AutoLock ignored = lock()) {
            return lockHolder != null && lockHolder == request;
        }
    }

    /** Whether a request holds the session's lock through this object. */
    boolean isLocked() {
        try (AutoLock ignored = lock()) {
            return lockHolder != null;
        }
    }

    /** The lock holder is done with it (released, or about to be). */
    void lockEnded() {
        try (AutoLock ignored = lock()) {
            lockHolder = null;
            holderUses = 0;
        }
    }

    /** @throws IllegalStateException if the session is invalid (Jetty's check before a change) */
    void requireValidForWrite() {
        checkValidForWrite();
    }

    /**
     * This node claimed the session's expiry (Jetty runs its listeners now): finishing the
     * invalidation finishes the claim, which deletes the session from Redis.
     */
    void finishClaimAfterListeners() {
        try (AutoLock ignored = lock()) {
            expiryClaim = true;
        }
    }

    /**
     * Jetty's end of an invalidation ({@code valueUnbound} and attribute listeners, then invalid);
     * for a session whose expiry this node claimed, then the claim is finished: the session is
     * deleted from Redis after every listener ran, also after one that failed (as the shared
     * policy does). A node that dies before never gets here, and another node claims the session
     * when the lease runs out.
     */
    @Override
    public void finishInvalidate() throws IllegalStateException {
        try {
            super.finishInvalidate();
        } catch (RuntimeException e) {
            finishClaim();
            throw e;
        }
        finishClaim();
    }

    private void finishClaim() {
        boolean claimed;
        try (AutoLock ignored = lock()) {
            claimed = expiryClaim;
            expiryClaim = false;
        }
        if (claimed) {
            cache.finishExpiryClaim(getId());
        }
    }

    /** Another node removed this session: it becomes invalid here without any listener. */
    void invalidatedElsewhere() {
        try (AutoLock ignored = lock()) {
            if (_state == State.VALID || _state == State.INVALIDATING || _state == State.CHANGING) {
                _state = State.INVALID;
                _stateChangeCompleted.signalAll();
            }
        }
    }

    private void abandonInvalidate() {
        try (AutoLock ignored = lock()) {
            if (_state == State.INVALIDATING) {
                _state = State.VALID;
                _stateChangeCompleted.signalAll();
            }
        }
    }
}
