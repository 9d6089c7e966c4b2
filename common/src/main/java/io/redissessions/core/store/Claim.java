package io.redissessions.core.store;

import java.util.Objects;

/**
 * An expired session that one caller took with {@link RedisSessionStore#claimExpired}: a lease,
 * not a removal. Until {@link #leaseUntilMillis()} no other caller gets it; the claimer runs the
 * expiry listeners (on {@link RedisSessionStore#openClaimed}) and then calls
 * {@link RedisSessionStore#finishClaim}, which deletes the session. A claimer that dies, or never
 * finishes, loses the claim when the lease runs out, and the next claim pass of any node takes the
 * session again. Lease deadlines are on Redis's clock.
 *
 * @param id               the session id
 * @param version          the session's write counter ({@code #v}) when it was claimed; the
 *                         finishing delete happens only if it is unchanged
 * @param leaseUntilMillis the lease deadline, epoch millis on Redis's clock
 */
public record Claim(String id, long version, long leaseUntilMillis) {

    public Claim {
        Objects.requireNonNull(id, "id");
    }
}
