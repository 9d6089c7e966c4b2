package io.redissessions.tomcat.testapp;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts session events per session id across every node of the test JVM: what "exactly once
 * across the cluster" is checked against. Also records what the destroyed session still held.
 */
public class SessionEvents implements HttpSessionListener {

    public static final Map<String, AtomicInteger> CREATED = new ConcurrentHashMap<>();
    public static final Map<String, AtomicInteger> DESTROYED = new ConcurrentHashMap<>();
    /** The value of attribute "user" that each destroyed session still had. */
    public static final Map<String, Object> USER_AT_DESTROY = new ConcurrentHashMap<>();

    @Override
    public void sessionCreated(HttpSessionEvent se) {
        CREATED.computeIfAbsent(se.getSession().getId(), k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent se) {
        DESTROYED.computeIfAbsent(se.getSession().getId(), k -> new AtomicInteger()).incrementAndGet();
        Object user = se.getSession().getAttribute("user");
        if (user != null) {
            USER_AT_DESTROY.put(se.getSession().getId(), user);
        }
    }

    public static int destroyed(String id) {
        AtomicInteger n = DESTROYED.get(id);
        return n == null ? 0 : n.get();
    }

    public static int created(String id) {
        AtomicInteger n = CREATED.get(id);
        return n == null ? 0 : n.get();
    }
}
