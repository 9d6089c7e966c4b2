package io.redissessions.tomcat;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.Manager;
import org.apache.catalina.Session;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import java.io.IOException;
import java.util.List;

/**
 * Marks the request boundary for {@link RedisSessionManager}: while the request runs, the sessions
 * it asks for are loaded from Redis once (or shared with the other requests of the session that
 * run on this node); when it ends (after the rest of the pipeline, before Tomcat completes the
 * response) every session it used is saved, at most one round trip each, and only then released.
 * An async request is saved when it completes.
 *
 * <p>It must run before the authenticator, so that a FORM login's redirect leaves with the
 * session saved: in a context's {@code context.xml} its {@code <Valve>} line comes first, which is
 * what Tomcat does with context.xml valves anyway. It may also sit on the Host or Engine. Without
 * any such line the manager adds it to the context by itself.
 *
 * <p>A request whose session Redis could not give or take is answered 503 (unless the response
 * is already committed), instead of going on with a new, empty session: always with
 * {@code failureMode="fail"}, and with {@code "local"} when this node is out of pooled
 * connections (Redis is fine then, and a node-local session would only split the user's state).
 */
public class RedisSessionValve extends ValveBase {

    private static final Log log = LogFactory.getLog(RedisSessionValve.class);

    public RedisSessionValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        Context context = request.getContext();
        Manager manager = context == null ? null : context.getManager();
        if (!(manager instanceof RedisSessionManager)) {
            getNext().invoke(request, response);
            return;
        }
        RequestScope scope = (RequestScope) request.getNote(RequestScope.NOTE);
        if (scope == null) {
            scope = new RequestScope();
            scope.locking(((RedisSessionManager) manager).locksRequestFor(request.getDecodedRequestURI()));
            request.setNote(RequestScope.NOTE, scope);
        }
        RequestScope previous = scope.bind();
        try {
            getNext().invoke(request, response);
        } catch (SessionStoreUnavailableException e) {
            scope.failed(e);
        } finally {
            try {
                if (request.isAsync()) {
                    if (scope.markAsyncListenerAdded()) {
                        request.getAsyncContext().addListener(new SaveOnComplete(request, response, scope));
                    }
                } else {
                    finish(request, response, scope, true);
                }
            } finally {
                RequestScope.restore(previous);
            }
        }
    }

    /**
     * Saves every session the request used, then releases the shared ones; when a session could
     * not be loaded or saved, answers 503 if the response can still be changed.
     */
    static void finish(Request request, Response response, RequestScope scope, boolean mayAnswer503) {
        scope.close();
        Session own = null;
        try {
            own = request.getSessionInternal(false);
        } catch (RuntimeException e) {
            // lookups answer from the scope only now: nothing to do
        }
        List<RedisSession> used = scope.sessions();
        if (own instanceof RedisSession rs && !used.contains(rs)) {
            used.add(rs);
        }
        try {
            save(used, scope, true);
        } finally {
            for (RedisSession session : scope.takeAcquired()) {
                ((RedisSessionManager) session.getManager()).release(session);
            }
        }
        RuntimeException failure = scope.failure();
        if (failure != null) {
            answer503(request, response, failure, mayAnswer503);
        }
    }

    /** Saves what the request's sessions changed so far; see {@link SaveBeforeForward}. */
    static void saveNow(RequestScope scope) {
        try {
            save(scope.sessions(), scope, false);
        } catch (RuntimeException e) {
            log.error("redis-sessions: saving the sessions before a forward failed: " + e.getMessage(), e);
        }
    }

    /**
     * Saves what the sessions changed; {@code last}: the request is done with them, and the locks
     * it holds (lockingMode) are released, with the save or right after it.
     */
    private static void save(List<RedisSession> sessions, RequestScope scope, boolean last) {
        for (RedisSession session : sessions) {
            try {
                ((RedisSessionManager) session.getManager()).saveAtRequestEnd(session, last);
            } catch (SessionStoreUnavailableException e) {
                scope.failed(e);
            }
        }
    }

    private static void answer503(Request request, Response response, RuntimeException failure, boolean mayAnswer) {
        if (!mayAnswer || response.isCommitted()) {
            log.error("redis-sessions: " + request.getMethod() + " " + request.getDecodedRequestURI()
                    + " went without its session and its response was already sent: " + failure.getMessage());
            return;
        }
        // the decoded URI has no ;jsessionid path parameter: ids are not for logs
        log.warn("redis-sessions: " + request.getMethod() + " " + request.getDecodedRequestURI() + " answered 503: "
                + failure.getMessage());
        try {
            request.removeAttribute(RequestDispatcher.ERROR_EXCEPTION);
            response.reset();
            response.setHeader("Retry-After", "5");
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "The session store is unavailable; please retry shortly.");
        } catch (IOException | IllegalStateException e) {
            log.error("redis-sessions: could not answer 503: " + e.getMessage());
        }
    }

    /** Saves the sessions of an async request when it completes (also after an error or a timeout). */
    private static final class SaveOnComplete implements AsyncListener {
        private final Request request;
        private final Response response;
        private final RequestScope scope;

        SaveOnComplete(Request request, Response response, RequestScope scope) {
            this.request = request;
            this.response = response;
            this.scope = scope;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            RequestScope previous = scope.bind();
            try {
                finish(request, response, scope, false);
            } finally {
                RequestScope.restore(previous);
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // onComplete follows
        }

        @Override
        public void onError(AsyncEvent event) {
            // onComplete follows
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
