package io.redissessions.jetty;

import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextRequest;

import java.util.ArrayDeque;

/**
 * Which request of one context the current thread works for: Jetty enters a context's scope with
 * the request before it calls the context's handlers (the session handler resolves the requested
 * session in there), and again with it for the callbacks of that request that run on other
 * threads (the response's commit, the request's completion). {@link LockedRequests} (for
 * {@link RedisSessionCache}) needs it to decide whether a session lookup locks (lockingMode), and
 * which request's end releases the lock; Jetty's session cache API does not name the request.
 * Scope entries nest; an entry without a request (a scavenge, a store call) shadows the request of
 * the entry around it.
 *
 * <p>Requests are kept as their {@link ContextRequest} (what the context handler enters its scope
 * with), so that the wrappers a session handler adds around it name the same request. Thread-safe.
 */
final class CurrentRequests implements ContextHandler.ContextScopeListener {

    private static final Object NONE = new Object();

    private final ThreadLocal<ArrayDeque<Object>> scopes = ThreadLocal.withInitial(ArrayDeque::new);

    @Override
    public void enterScope(Context context, Request request) {
        Request r = identity(request);
        scopes.get().push(r == null ? NONE : r);
    }

    @Override
    public void exitScope(Context context, Request request) {
        ArrayDeque<Object> stack = scopes.get();
        stack.poll();
        if (stack.isEmpty()) {
            scopes.remove();
        }
    }

    /** The request the current thread works for in this context's scope (as {@link #identity} names it), or null. */
    Request current() {
        return scopes.get().peek() instanceof Request r ? r : null;
    }

    /**
     * The request as this tracker names it: its context request, whatever wraps it. Unwraps by
     * hand: {@code Request.as} has another signature in Jetty 12.0.0 than in later releases (a
     * call compiled against one fails to link on the other).
     */
    static Request identity(Request request) {
        for (Request r = request; r != null; r = r instanceof Request.Wrapper w ? w.getWrapped() : null) {
            if (r instanceof ContextRequest context) {
                return context;
            }
        }
        return request;
    }
}
