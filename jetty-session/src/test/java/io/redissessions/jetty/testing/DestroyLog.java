package io.redissessions.jetty.testing;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every sessionDestroyed call of every node: which node, which session, which attributes. */
public final class DestroyLog {

    public record Call(String node, String sessionId, Map<String, Object> attributes) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();

    public HttpSessionListener listenerFor(String node) {
        return new HttpSessionListener() {
            @Override
            public void sessionDestroyed(HttpSessionEvent se) {
                Map<String, Object> attributes = new ConcurrentHashMap<>();
                se.getSession().getAttributeNames().asIterator()
                        .forEachRemaining(n -> attributes.put(n, se.getSession().getAttribute(n)));
                calls.add(new Call(node, se.getSession().getId(), attributes));
            }
        };
    }

    public List<Call> callsFor(String sessionId) {
        return calls.stream().filter(c -> c.sessionId().equals(sessionId)).toList();
    }
}
