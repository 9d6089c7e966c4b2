package io.redissessions.tomcat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions one request has looked up, from {@link RedisSessionValve} entering the request
 * until the request is complete. Tomcat asks its Manager for a session several times per request
 * (authenticator, {@code getSession}, {@code isRequestedSessionIdValid}); the scope makes that
 * one Redis round trip, and remembers misses too. Each request works on its own copy of its
 * session: concurrent requests of one client behave alike whether they reach one node or two.
 *
 * <p>Bound to the thread while the valve (or the async completion) runs; kept as a request note
 * across async dispatches. Thread-safe.
 */
final class RequestScope {

    static final String NOTE = "io.redissessions.tomcat.RequestScope";

    private static final ThreadLocal<RequestScope> CURRENT = new ThreadLocal<>();
    private static final Object ABSENT = new Object();

    /** Per manager: session id to its session, or ABSENT for a miss. */
    private final Map<RedisSessionManager, Map<String, Object>> lookups = new IdentityHashMap<>();
    private final Map<RedisSession, Boolean> sessions = new IdentityHashMap<>();
    private boolean closing;
    private RuntimeException failure;
    private boolean asyncListenerAdded;

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

    /** What an earlier lookup in this request found: a session, {@link #isAbsent absent}, or null if not asked yet. */
    synchronized Object lookup(RedisSessionManager manager, String id) {
        Map<String, Object> m = lookups.get(manager);
        return m == null ? null : m.get(id);
    }

    static boolean isAbsent(Object lookupResult) {
        return lookupResult == ABSENT;
    }

    synchronized void rememberAbsent(RedisSessionManager manager, String id) {
        lookups.computeIfAbsent(manager, k -> new HashMap<>()).put(id, ABSENT);
    }

    /** Records a session found or created in this request: it is saved when the request ends. */
    synchronized void remember(RedisSessionManager manager, String id, RedisSession session) {
        lookups.computeIfAbsent(manager, k -> new HashMap<>()).put(id, session);
        sessions.put(session, Boolean.TRUE);
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

    /** True the first time only: the async listener is added once per request. */
    synchronized boolean markAsyncListenerAdded() {
        if (asyncListenerAdded) {
            return false;
        }
        asyncListenerAdded = true;
        return true;
    }
}
