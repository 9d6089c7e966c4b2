package io.redissessions.core.session;

import io.redissessions.core.FailureMode;
import io.redissessions.core.LockingMode;
import io.redissessions.core.Settings;
import io.redissessions.core.lock.SessionLocks;
import io.redissessions.core.store.SessionLock;
import io.redissessions.core.store.StoredSession;
import io.redissessions.core.SessionIds;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.StoreLog;
import io.redissessions.core.connection.RedisConnector;
import io.redissessions.core.store.AttributeNames;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SaveNotReplicatedException;
import io.redissessions.core.store.SessionState;
import io.redissessions.core.store.StoreMetrics;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The session policy of one context, the same for Tomcat and Jetty: what a Redis failure means,
 * when a session is deleted, what is logged and counted. Adapters translate their container's
 * session model onto it and keep only their container's reaction to a failure (Tomcat's 503 in
 * its valve, Jetty's stand-in session, node-local sessions).
 *
 * <ul>
 *   <li>Every call records whether Redis answered ({@link #availability()}).</li>
 *   <li>A session is deleted only when its data is proven bad (a key that is not a session hash);
 *       never because Redis is unavailable, overloaded or refused one operation.</li>
 *   <li>Failures that the request must see are thrown as {@link SessionStoreException};
 *       {@link #reactionTo} says what the container does with one.</li>
 * </ul>
 *
 * Thread-safe.
 */
public final class SessionService implements AutoCloseable {

    private final String namespace;
    private final String scope;
    private final FailureMode failureMode;
    private final RedisSessionStore store;
    private final StoreLog log;
    private final Availability availability;
    private final ExpiryClaims expiry;
    private final String settings;
    private volatile boolean closed;
    private final AtomicLong lastReplicationLogNanos =
            new AtomicLong(System.nanoTime() - REPLICATION_LOG_INTERVAL_NANOS);

    /** Saves not acknowledged by enough replicas are logged at most this often. */
    private static final long REPLICATION_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** The locking policy (lockingMode), or null when no request locks. */
    private final SessionLocks locks;

    /**
     * @param config    validated settings
     * @param namespace the namespace in effect (the setting, or one derived by the adapter)
     * @param scope     how log lines name this context, e.g. {@code context [/shop]}
     * @param clock     time source of the store
     * @param log       the container's logging
     */
    public SessionService(SessionStoreConfig config, String namespace, String scope, Clock clock, StoreLog log) {
        this(config, new RedisConnector(config), namespace, scope, clock, log);
    }

    public SessionService(SessionStoreConfig config, RedisConnector connector, String namespace, String scope,
                          Clock clock, StoreLog log) {
        config.validate();
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.log = Objects.requireNonNull(log, "log");
        this.failureMode = config.failureModeValue();
        this.store = new RedisSessionStore(config, connector, namespace, clock, log);
        this.availability = new Availability(log, scope, failureMode, store::ping);
        this.expiry = new ExpiryClaims(this);
        this.settings = config.describe().toString();
        LockingMode mode = config.lockingModeValue();
        this.locks = mode.isOn() ? new SessionLocks(store, connector, mode, config.get(Settings.LOCK_WAIT_MILLIS),
                config.get(Settings.LOCK_LEASE_MILLIS), log, scope) : null;
    }

    /**
     * Says where this context keeps its sessions (settings, secrets masked) and returns at once;
     * in the background, sets up the connection and asks Redis once (PING), and when Redis cannot
     * be reached says so once. The container starts either way, without waiting for Redis; its
     * first requests wait for that first connection (up to their operation's bound) instead of
     * failing while it is set up.
     */
    public void start() {
        log.info("redis-sessions: " + scope + " keeps its sessions in Redis, namespace '" + namespace + "', node '"
                + store.nodeId() + "', settings " + settings);
        store.connector().connectInBackground();
        Thread check = new Thread(() -> {
            boolean answered = store.ping();
            if (!closed) {
                availability.atStart(answered);
            }
        }, "redis-sessions-start");
        check.setDaemon(true);
        // not the caller's (a webapp's) class loader: the thread must not pin it
        check.setContextClassLoader(SessionService.class.getClassLoader());
        check.start();
        if (locks != null) {
            locks.listen(); // wake-ups for the first request that waits for a lock
        }
    }

    public RedisSessionStore store() { return store; }
    public StoreMetrics metrics() { return store.metrics(); }
    public StoreLog log() { return log; }
    public Availability availability() { return availability; }
    public ExpiryClaims expiry() { return expiry; }
    public FailureMode failureMode() { return failureMode; }
    public String namespace() { return namespace; }
    public String nodeId() { return store.nodeId(); }
    /** Which requests lock their session (lockingMode). */
    public LockingMode lockingMode() { return locks == null ? LockingMode.OFF : locks.mode(); }
    /** The locking policy, or null when lockingMode is none. */
    public SessionLocks locks() { return locks; }

    /**
     * Whether a request for {@code path} (decoded, with the context path, without query or path
     * parameters) holds its session's lock from load to its last save.
     */
    public boolean locksRequestFor(String path) {
        return locks != null && locks.mode().appliesTo(path);
    }

    // ------------------------------------------------------------------ the request path

    /**
     * Loads a session for a request, one round trip.
     *
     * @return the session, or null when there is none, it has expired, or its stored data is
     *         proven bad (then it is deleted, logged and counted)
     * @throws SessionStoreException when Redis is unavailable, this node is overloaded, or Redis
     *         refused the load: never answered with a new, empty session (see {@link #reactionTo})
     */
    public SessionState open(String id) {
        try {
            SessionState state = store.open(id);
            availability.succeeded();
            return state;
        } catch (SessionStoreException e) {
            if (e.kind() == SessionStoreException.Kind.DATA) {
                availability.succeeded();
                unreadable(id, "the session", e);
                return null;
            }
            availability.failed(e, "load session " + SessionIds.fingerprint(id));
            throw e;
        }
    }

    /**
     * Loads a session for a container whose own cache decides what an expired session means
     * (Jetty's {@code SessionDataStore.load} returns expired sessions, its cache then expires
     * them). One round trip.
     *
     * @return the session, also when its stored expiry has passed (its grace period keeps it
     *         readable), or null when there is none
     * @throws SessionStoreException as {@link #open}; and of kind {@code DATA} when the stored data
     *         is proven bad, after it has been deleted, logged and counted as {@link #open} does
     */
    public SessionState openIncludingExpired(String id) {
        try {
            SessionState state = store.openIncludingExpired(id);
            availability.succeeded();
            return state;
        } catch (SessionStoreException e) {
            if (e.kind() == SessionStoreException.Kind.DATA) {
                availability.succeeded();
                unreadable(id, "the session", e);
            } else {
                availability.failed(e, "load session " + SessionIds.fingerprint(id));
            }
            throw e;
        }
    }

    /**
     * Loads a session for a request that locks it (lockingMode): waits for its turn on this node,
     * then takes the session's lock and reads it in one round trip, waiting (without polling) while
     * another request holds the lock. The state returned holds the lock ({@link SessionState#lock()})
     * until the request ends it with {@link #saveAndUnlock} or {@link #unlock}.
     *
     * @return the session, or null when there is none or it has expired (no lock is held then)
     * @throws SessionStoreException as {@link #open}; {@link SessionStoreException.Kind#LOCKED} when
     *         the lock stayed held for {@code lockWaitMillis}: the request gets the failure answer
     */
    public SessionState openLocked(String id) {
        SessionState state = openLockedIncludingExpired(id);
        if (state != null && state.lock() == null) {
            return null; // expired by Redis's clock: not locked, left to its claimer
        }
        return state;
    }

    /**
     * Like {@link #openLocked}, for a container whose own cache decides what an expired session
     * means (Jetty): an expired session is returned, without a lock.
     *
     * @throws SessionStoreException as {@link #openIncludingExpired}, and {@code LOCKED}
     */
    public SessionState openLockedIncludingExpired(String id) {
        if (locks == null) {
            throw new IllegalStateException("redis-sessions: lockingMode is none for " + scope);
        }
        SessionLocks.LockedRead read;
        try {
            read = locks.lockAndLoad(id);
            availability.succeeded();
        } catch (SessionStoreException e) {
            if (e.kind() == SessionStoreException.Kind.DATA) {
                availability.succeeded();
                unreadable(id, "the session", e);
            } else if (e.kind() != SessionStoreException.Kind.LOCKED) {
                availability.failed(e, "lock and load session " + SessionIds.fingerprint(id));
            }
            throw e;
        }
        StoredSession stored = read.attempt().session();
        if (stored == null) {
            return null;
        }
        SessionState state = store.stateOf(stored);
        if (read.lock().isHeld()) {
            store.lockState(state, read.lock());
        }
        return state;
    }

    /** A new session that is not stored until its first save. No Redis call. */
    public SessionState create(String id, int maxInactiveSeconds) {
        return store.newSession(id, maxInactiveSeconds);
    }

    /**
     * Checks that {@code value} can be stored as attribute {@code name}, without storing it: for a
     * container that must know before it tells the value it is bound (Tomcat calls
     * {@code valueBound} before it puts the value into its attribute map). No Redis call.
     *
     * @throws io.redissessions.core.codec.AttributeEncodingException naming the attribute, the
     *         value's class and the setting to change, when the value cannot be stored
     */
    public void requireStorable(String name, Object value) {
        AttributeNames.requireStorable(name);
        store.codec().encodeStorable(name, value, null);
    }

    /**
     * A new session with the creation and access times the container chose (Jetty passes its
     * own), not stored until its first save. No Redis call.
     */
    public SessionState create(String id, long createdMillis, long accessedMillis, int maxInactiveSeconds) {
        return store.newSession(id, createdMillis, accessedMillis, maxInactiveSeconds);
    }

    /**
     * Saves what a request changed, in one round trip or none.
     *
     * @return null when there was nothing to write, {@link SaveResult#REFUSED} when Redis refused
     *         the data of this save (logged and counted: not an outage), else the store's answer
     * @throws SaveNotReplicatedException when the master has the save but fewer than
     *         {@code saveReplicas} replicas acknowledged it in time (counted, logged at most once a
     *         minute; Redis counts as reachable): answered with the failure whatever failureMode says
     * @throws SessionStoreException when Redis is unavailable (a save that came too late included:
     *         Redis did not apply it) or this node is overloaded
     */
    public SaveResult save(SessionState state) {
        return save(state, false);
    }

    /**
     * Ends a request's use of a session it locked: saves what changed and releases the lock in the
     * same round trip; when there is nothing to write, the lock is released by a node thread right
     * after, without the request waiting. A state without a lock is just saved.
     *
     * @return as {@link #save}
     * @throws SessionStoreException as {@link #save} (the lock then expires after its lease)
     */
    public SaveResult saveAndUnlock(SessionState state) {
        SessionLock lock = state.lock();
        if (lock == null || locks == null) {
            return save(state);
        }
        try {
            return save(state, lock.isHeld());
        } finally {
            if (lock.isHeld()) {
                locks.releaseLater(lock); // nothing written (or a create, or refused): release it apart
            } else {
                locks.released(lock);
            }
        }
    }

    /**
     * Ends a request's use of a session it locked without saving it (invalidated, or the request
     * failed): the lock is released by a node thread right after. Nothing happens for a state
     * without a lock, or the second time.
     */
    public void unlock(SessionState state) {
        SessionLock lock = state == null ? null : state.lock();
        if (lock != null && locks != null) {
            locks.releaseLater(lock);
        }
    }

    private SaveResult save(SessionState state, boolean release) {
        try {
            SaveResult result = release ? state.saveAndRelease() : state.save();
            availability.succeeded();
            if (result == SaveResult.LOCK_LOST) {
                log.warn("redis-sessions: session " + SessionIds.fingerprint(state.id()) + " was not saved: its lock ran "
                        + "out (lockLeaseMillis) while the request held it, and another request changed the session or "
                        + "holds the lock now; this request's changes are lost");
            }
            if (result == SaveResult.ID_TAKEN) {
                log.warn("redis-sessions: new session " + SessionIds.fingerprint(state.id())
                        + " was not saved: a session with this id already exists in Redis");
            } else if ((result == SaveResult.GONE || result == SaveResult.EXPIRED) && log.isDebugEnabled()) {
                log.debug("redis-sessions: session " + state.id() + " was not saved: " + result
                        + " (invalidated or expired meanwhile; it is not re-created)");
            }
            return result;
        } catch (SaveNotReplicatedException e) {
            availability.succeeded();
            notReplicated(e);
            throw e;
        } catch (SessionStoreException e) {
            if (e.kind() == SessionStoreException.Kind.DATA || e.kind() == SessionStoreException.Kind.REJECTED) {
                availability.succeeded();
                metrics().saveFailure();
                log.error("redis-sessions: session " + SessionIds.fingerprint(state.id()) + " could not be saved, "
                        + "its changes in this request are lost: " + e.getMessage(), null);
                return SaveResult.REFUSED;
            }
            availability.failed(e, "save session " + SessionIds.fingerprint(state.id()));
            throw e;
        }
    }

    /**
     * Deletes an invalidated session. Exactly one caller across the cluster gets true: only that
     * node runs {@code sessionDestroyed} and {@code valueUnbound}.
     *
     * @return true if this call removed the session, false if it was gone already
     * @throws SessionStoreException when Redis is unavailable or this node is overloaded
     */
    public boolean invalidate(String id) {
        try {
            boolean deleted = store.delete(id);
            availability.succeeded();
            return deleted;
        } catch (SessionStoreException e) {
            availability.failed(e, "invalidate session " + SessionIds.fingerprint(id));
            throw e;
        }
    }

    /**
     * Gives a stored session a new id, keeping its data and expiry. One round trip without a
     * signing key; with one, the session is loaded first (two): a container that has the
     * session's state at hand uses {@link #changeId(SessionState, String)}.
     *
     * @return true if renamed, false if the old session is gone
     * @throws SessionStoreException {@code REJECTED} if the new id is taken; otherwise Redis is
     *         unavailable or this node is overloaded
     */
    public boolean changeId(String oldId, String newId) {
        try {
            boolean renamed = store.changeId(oldId, newId);
            availability.succeeded();
            return renamed;
        } catch (SessionStoreException e) {
            availability.failed(e, "change the id of session " + SessionIds.fingerprint(oldId));
            throw e;
        }
    }

    /**
     * Gives the stored session that {@code state} was loaded from a new id, keeping its data and
     * expiry: one round trip, also with a signing key (see {@link RedisSessionStore#changeId(SessionState, String)}).
     *
     * @return true if renamed, false if the old session is gone
     * @throws SessionStoreException as {@link #changeId(String, String)}
     */
    public boolean changeId(SessionState state, String newId) {
        try {
            boolean renamed = store.changeId(state, newId);
            availability.succeeded();
            return renamed;
        } catch (SessionStoreException e) {
            availability.failed(e, "change the id of session " + SessionIds.fingerprint(state.id()));
            throw e;
        }
    }

    /** Whether a session exists and has not expired, by what is stored. */
    public boolean exists(String id) {
        try {
            boolean exists = store.exists(id);
            availability.succeeded();
            return exists;
        } catch (SessionStoreException e) {
            if (e.kind() == SessionStoreException.Kind.DATA) {
                availability.succeeded();
                return false;
            }
            availability.failed(e, "check session " + SessionIds.fingerprint(id));
            throw e;
        }
    }

    private void notReplicated(SaveNotReplicatedException e) {
        long now = System.nanoTime();
        long last = lastReplicationLogNanos.get();
        if (now - last >= REPLICATION_LOG_INTERVAL_NANOS && lastReplicationLogNanos.compareAndSet(last, now)) {
            log.warn("redis-sessions: " + scope + ": " + e.getMessage() + "; such requests get 503. Check the "
                    + "replicas (INFO replication), or lower saveReplicas / raise saveReplicasTimeoutMillis "
                    + "(logged at most once a minute, counted as unreplicatedSaves)");
        }
    }

    /**
     * What the container does with a request whose session call failed with {@code e}: the
     * failure answer, or (failureMode=local, Redis unavailable) a node-local session. A save that
     * the master has but too few replicas acknowledged always gets the failure answer: Redis is
     * reachable, and a node-local copy would only split the session.
     */
    public FailureReaction reactionTo(SessionStoreException e) {
        return e.kind() == SessionStoreException.Kind.UNAVAILABLE && failureMode == FailureMode.LOCAL
                && !(e instanceof SaveNotReplicatedException)
                ? FailureReaction.SERVE_LOCALLY
                : FailureReaction.ANSWER_FAILURE;
    }

    /** The message of the failure answer, for the log and the exception the container throws. */
    public String failureMessage(SessionStoreException e, String what) {
        if (e.kind() == SessionStoreException.Kind.LOCKED) {
            return "redis-sessions: cannot " + what + ": " + e.getMessage()
                    + "; answering 503 instead of running the request without the lock";
        }
        String why = e instanceof SaveNotReplicatedException ? "too few replicas acknowledged it (saveReplicas)"
                : switch (e.kind()) {
                    case OVERLOADED -> "this node has more concurrent requests than Redis connections";
                    case REJECTED, DATA -> "Redis refused it";
                    case UNAVAILABLE, LOCKED -> "Redis is unreachable";
                };
        return "redis-sessions: cannot " + what + ": " + why + " (" + e.getMessage()
                + "); answering 503 instead of using a new, empty session";
    }

    /** Deletes a session whose stored data is proven bad; logs and counts it. */
    void unreadable(String id, String what, SessionStoreException e) {
        metrics().unreadableSession();
        log.warn("redis-sessions: " + what + " " + SessionIds.fingerprint(id) + " in Redis cannot be read and is "
                + "deleted: " + e.getMessage());
        try {
            store.delete(id);
        } catch (SessionStoreException deleteFailed) {
            availability.failed(deleteFailed, "delete unreadable session " + SessionIds.fingerprint(id));
        }
    }

    @Override
    public void close() {
        closed = true;
        if (locks != null) {
            locks.close();
        }
        store.close();
    }
}
