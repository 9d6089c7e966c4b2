package io.redissessions.jetty;

import io.redissessions.core.SessionStoreException;

/**
 * Remembers, for the request being handled on this thread, that loading a session failed because
 * Redis could not be used, so that a later lookup of the same id in that request (Jetty's
 * {@code isIdInUse} when the request creates a session) answers from this memory instead of
 * paying the timeouts again. Jetty resolves a request's sessions at its start, each with a load:
 * every load starts the memory afresh, so nothing is carried into another request.
 */
final class FailedLookups {

    private record Failure(String id, SessionStoreException cause) {
    }

    private final ThreadLocal<Failure> last = new ThreadLocal<>();

    /** A load of a session starts: whatever an earlier request on this thread remembered is forgotten. */
    void loading() {
        last.remove();
    }

    void failed(String id, SessionStoreException cause) {
        last.set(new Failure(id, cause));
    }

    /** The failure of this request's load of {@code id}, or null. */
    SessionStoreException failureOf(String id) {
        Failure f = last.get();
        return f != null && f.id().equals(id) ? f.cause() : null;
    }
}
