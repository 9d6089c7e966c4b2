package io.redissessions.jetty;

import io.redissessions.core.SessionStoreException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionManager;

import java.util.Set;

/**
 * Stands in for a session that exists but could not be read because Redis is unreachable
 * ({@code failureMode=fail}), this node is out of pooled connections, or the session's lock
 * (lockingMode) stayed held by other requests for lockWaitMillis (then {@link SaveBeforeResponse}
 * answers 503 before the request runs). Requests that never touch their session are served as usual; any use
 * of it throws {@link RedisSessionUnavailableException}, which Jetty answers with 503. It is never
 * saved, so the real session in Redis is left as it is.
 */
final class UnavailableSession extends ManagedSession {

    private final Throwable cause;

    UnavailableSession(SessionManager manager, String id, Throwable cause) {
        super(manager, placeholder(id));
        this.cause = cause;
        setResident(true);
    }

    private static SessionData placeholder(String id) {
        long now = System.currentTimeMillis();
        SessionData data = new SessionData(id, "", "", now, now, now, -1);
        data.setLastSaved(now); // not new: it exists in Redis
        data.clean();
        return data;
    }

    /** Why the session could not be read. */
    Throwable cause() {
        return cause;
    }

    /** The session's lock (lockingMode) stayed held by other requests for lockWaitMillis. */
    boolean isLockTimeout() {
        return cause instanceof SessionStoreException e && e.kind() == SessionStoreException.Kind.LOCKED;
    }

    private RedisSessionUnavailableException unavailable() {
        return new RedisSessionUnavailableException("Session storage is unavailable, please retry shortly", cause);
    }

    @Override
    public Object getAttribute(String name) {
        throw unavailable();
    }

    @Override
    public Set<String> getAttributeNameSet() {
        throw unavailable();
    }

    @Override
    public Object setAttribute(String name, Object value) {
        throw unavailable();
    }

    @Override
    public Object removeAttribute(String name) {
        throw unavailable();
    }

    @Override
    public long getCreationTime() {
        throw unavailable();
    }

    @Override
    public long getLastAccessedTime() {
        throw unavailable();
    }

    @Override
    public boolean isNew() {
        throw unavailable();
    }

    @Override
    public void setMaxInactiveInterval(int secs) {
        throw unavailable();
    }

    @Override
    public void invalidate() {
        throw unavailable();
    }

    @Override
    public void renewId(Request request, Response response) {
        throw unavailable();
    }

    @Override
    public boolean isExpiredAt(long time) {
        return false;
    }
}
