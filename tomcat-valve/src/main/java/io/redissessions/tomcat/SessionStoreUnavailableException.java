package io.redissessions.tomcat;

/**
 * Redis cannot be reached while a request needs its session, and {@code failureMode} is
 * {@code fail}. Thrown from the session calls of the application (getSession, invalidate,
 * changeSessionId) instead of handing out a new, empty session; {@link RedisSessionValve} turns
 * it into a 503 response when it reaches the container.
 */
public class SessionStoreUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public SessionStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
