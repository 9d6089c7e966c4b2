package io.redissessions.core;

import java.util.Objects;

/**
 * A Redis call of the session store did not happen, or did not complete. {@link #kind()} says
 * what the failure means, so that both containers react to it the same way: only
 * {@link Kind#DATA} proves the stored data bad; everything else leaves the stored session alone.
 */
public class SessionStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What a failure means for the session and for the request that needed it. */
    public enum Kind {
        /**
         * Redis cannot be used right now: a refused connection, a timeout, or an error reply that
         * says nothing about the data (LOADING, BUSY, CLUSTERDOWN, MASTERDOWN, TRYAGAIN, READONLY,
         * NOAUTH, WRONGPASS, NOPERM, OOM, unknown ones). The stored session is intact.
         */
        UNAVAILABLE,
        /**
         * No pooled connection became free within {@code poolMaxWaitMillis}: this node has more
         * concurrent requests than connections. Redis is fine; the request gets the failure answer.
         */
        OVERLOADED,
        /** The stored data is proven bad: the key holds something that is not a session (WRONGTYPE). */
        DATA,
        /**
         * Redis refused this one operation for its data or arguments (a script error, an id that is
         * taken): retrying will not help, and Redis is fine.
         */
        REJECTED,
        /**
         * The session's lock (lockingMode) stayed held by another request for {@code lockWaitMillis}:
         * the request gets the failure answer, never a run without the lock. Redis is fine.
         */
        LOCKED
    }

    private final Kind kind;

    public SessionStoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** An {@link Kind#UNAVAILABLE} failure. */
    public SessionStoreException(String message, Throwable cause) {
        this(Kind.UNAVAILABLE, message, cause);
    }

    /** An {@link Kind#UNAVAILABLE} failure. */
    public SessionStoreException(String message) {
        this(Kind.UNAVAILABLE, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** Redis cannot be used now (as opposed to a problem of this node or of this session's data). */
    public boolean isUnavailable() {
        return kind == Kind.UNAVAILABLE;
    }
}
