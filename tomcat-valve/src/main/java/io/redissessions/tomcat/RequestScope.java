package io.redissessions.tomcat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one request has looked up, from {@link RedisSessionValve} entering the request until the
 * request is complete. Tomcat asks its Manager for a session several times per request
 * (authenticator, {@code getSession}, {@code isRequestedSessionIdValid}); the scope makes that
 * one Redis round trip at most. It remembers misses, and lookups that failed because Redis could
 * not be used: a later lookup of the same id in the request fails the same way at once, instead
 * of paying the timeouts again.
 *
 * <p>It also holds the sessions the request uses (saved when it ends) and the shared session
 * objects it acquired from {@link SharedSessions} (released after that save).
 *
 * <p>Bound to the thread while the valve (or the async completion) runs; kept as a request note
 * across async dispatches. Thread-safe.
 */
final class RequestScope {

    static final String NOTE = "io.redissessions.tomcat.RequestScope";

    private static final ThreadLocal<RequestScope> CURRENT = new ThreadLocal<>();
    private static final Object ABSENT = new Object();

    /** A lookup that failed: later lookups of the id in this request throw it again. */
    private record Failed(RuntimeException failure) {
    }

    /** Per manager: session id to its session, ABSENT for a miss, or Failed. */
    private final Map<RedisSessionManager, Map<String, Object>> lookups = new IdentityHashMap<>();
    private final Map<RedisSession, Boolean> sessions = new IdentityHashMap<>();
    /** One element per acquisition (a session looked up under two ids was acquired twice). */
    private final List<RedisSession> acquired = new ArrayList<>();
    private boolean closing;
    private RuntimeException failure;
    private boolean asyncListenerAdded;
    /** This request holds the lock of the sessions it uses (lockingMode), decided when it enters the valve. */
    private boolean locking;
    /** Per manager: the sessions this request locked, by stored (cluster) id. */
    private final Map<RedisSessionManager, Map<String, RedisSession>> locked = new IdentityHashMap<>();

    static RequestScope current() {
        return CURRENT.get();
    }

    /** Binds this scope to the current thread; returns what was bound before, for {@link #restore}. */
    RequestScope bind() {
        RequestScope previous = CURRENT.get();
        CURRENT.set(this);
        return previous;
    }

    static void restore(RequestScope previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    /** What an earlier lookup of an id in this request found: a session, or null for none. */
    record Earlier(RedisSession session) {
    }

    /**
     * What this request's earlier lookup of {@code id} found, or null if it did not ask yet.
     *
     * @throws RuntimeException the failure of the earlier lookup of this id, again
     */
    synchronized Earlier earlier(RedisSessionManager manager, String id) {
        Map<String, Object> m = lookups.get(manager);
        Object earlier = m == null ? null : m.get(id);
        if (earlier == null) {
            return null;
        }
        if (earlier instanceof Failed f) {
            throw f.failure();
        }
        return new Earlier(earlier == ABSENT ? null : (RedisSession) earlier);
    }

    synchronized void rememberAbsent(RedisSessionManager manager, String id) {
        lookups.computeIfAbsent(manager, k -> new HashMap<>()).put(id, ABSENT);
    }

    /** Remembers that looking up {@code id} failed with {@code e}; also the request's {@link #failure}. */
    synchronized void rememberFailed(RedisSessionManager manager, String id, RuntimeException e) {
        lookups.computeIfAbsent(manager, k -> new HashMap<>()).put(id, new Failed(e));
        failed(e);
    }

    /** Records a session found or created in this request: it is saved when the request ends. */
    synchronized void remember(RedisSessionManager manager, String id, RedisSession session) {
        lookups.computeIfAbsent(manager, k -> new HashMap<>()).put(id, session);
        sessions.put(session, Boolean.TRUE);
    }

    /** Records a shared session object this request holds: released when the request ends. */
    synchronized void acquired(RedisSession session) {
        acquired.add(session);
    }

    synchronized void forget(RedisSessionManager manager, String id) {
        Map<String, Object> m = lookups.get(manager);
        if (m != null) {
            m.remove(id);
        }
    }

    /** The sessions to save at the end of the request, in no particular order. */
    synchronized List<RedisSession> sessions() {
        return new ArrayList<>(sessions.keySet());
    }

    /** The shared objects to release, once: a second call returns none. */
    synchronized List<RedisSession> takeAcquired() {
        List<RedisSession> all = new ArrayList<>(acquired);
        acquired.clear();
        return all;
    }

    /** From now on lookups only answer from what this request already found: nothing is loaded. */
    synchronized void close() {
        closing = true;
    }

    synchronized boolean isClosing() {
        return closing;
    }

    /** Remembers the first Redis failure that left this request without its session. */
    synchronized void failed(RuntimeException e) {
        if (failure == null) {
            failure = e;
        }
    }

    synchronized RuntimeException failure() {
        return failure;
    }

    /** Says whether this request locks the sessions it uses (lockingMode); decided once, by the valve. */
    synchronized void locking(boolean locking) {
        this.locking = locking;
    }

    synchronized boolean isLocking() {
        return locking;
    }

    /** The session this request locked under stored id {@code clusterId}, or null. */
    synchronized RedisSession locked(RedisSessionManager manager, String clusterId) {
        Map<String, RedisSession> m = locked.get(manager);
        return m == null ? null : m.get(clusterId);
    }

    synchronized void rememberLocked(RedisSessionManager manager, String clusterId, RedisSession session) {
        locked.computeIfAbsent(manager, k -> new HashMap<>()).put(clusterId, session);
    }

    /** True the first time only: the async listener is added once per request. */
    synchronized boolean markAsyncListenerAdded() {
        if (asyncListenerAdded) {
            return false;
        }
        asyncListenerAdded = true;
        return true;
    }
}
