package io.redissessions.core.store;

/**
 * What one try to take a session's lock and read it found ({@link RedisSessionStore#lockAndLoad}).
 *
 * @param outcome      what happened
 * @param session      the session read ({@link Outcome#TAKEN}, {@link Outcome#NOT_LOCKED}); null when
 *                     absent or when the lock is held
 * @param heldForMillis {@link Outcome#HELD}: how long the lock's lease has left in Redis (its PTTL)
 */
public record LockAttempt(Outcome outcome, StoredSession session, long heldForMillis) {

    public enum Outcome {
        /** The lock is the request's now, and {@code session} was read under it. */
        TAKEN,
        /** No lock was taken: the session is absent ({@code session} null) or expired by Redis's clock. */
        NOT_LOCKED,
        /** Another request holds the lock; it knows that one waits, and its release will say so. */
        HELD
    }
}
