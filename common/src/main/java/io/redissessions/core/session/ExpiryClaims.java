package io.redissessions.core.session;

import io.redissessions.core.SessionIds;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.StoreLog;
import io.redissessions.core.store.Claim;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.SessionState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The expiry side of the policy, the same for both containers: claims sessions whose stored
 * expiry has passed by Redis's clock from the store's expiry index, opens each one for its
 * listeners, and finishes the claim afterwards (the session is deleted then). A claim is a lease
 * ({@code expiryClaimLeaseSeconds}): while it runs no other node gets the session; a node that
 * dies, or whose pass breaks off, before it finishes a claim loses it when the lease runs out, and
 * the next pass of any node claims the session again. Tomcat runs a whole {@link #expirePass pass}
 * from its background thread; Jetty takes the ids of a {@link #claimPass pass} for its scavenger
 * and then {@link #openClaimed opens} and {@link #finish finishes} each one as Jetty expires it.
 *
 * <p>Limits: {@value #BATCH} sessions per claim call, at most {@value #MAX_PER_PASS} per pass (the
 * rest wait for the next pass). A failure of one session (unreadable data, a listener that throws)
 * costs that session only; a shard of the index that fails costs the other shards nothing; a
 * failure of Redis ends the pass, which the next one retries. Every completed pass is counted
 * ({@code expiryPasses}) and logged at DEBUG ("expiry pass completed for namespace ..."), so tests
 * can wait for one instead of sleeping: an {@link #expirePass} when the listeners of what it
 * claimed have run, a {@link #claimPass} when its claims are made (the container runs the
 * listeners after that, before its next pass).
 */
public final class ExpiryClaims {

    /** Sessions claimed per Redis call. */
    public static final int BATCH = 100;
    /** Most sessions one pass claims; the rest wait for the next pass. */
    public static final int MAX_PER_PASS = 10_000;

    private final SessionService service;
    private final RedisSessionStore store;
    private final StoreLog log;
    /** Claims handed out by {@link #claimPass} and not finished yet, by session id. */
    private final Map<String, Claim> pending = new ConcurrentHashMap<>();

    ExpiryClaims(SessionService service) {
        this.service = Objects.requireNonNull(service, "service");
        this.store = service.store();
        this.log = service.log();
    }

    /**
     * One pass for a container that fires listeners right away: claims expired sessions in
     * batches, hands each one that can still be read to {@code fireListeners} (on this thread),
     * then finishes its claim (the session is deleted unless it changed meanwhile). Never throws.
     *
     * @return how many sessions this pass claimed
     */
    public int expirePass(Consumer<SessionState> fireListeners) {
        int expired = 0;
        try {
            List<Claim> batch;
            do {
                batch = claimBatch(Math.min(BATCH, MAX_PER_PASS - expired));
                for (Claim claim : batch) {
                    SessionState state = open(claim);
                    if (state != null) {
                        runListeners(state, fireListeners);
                    }
                    finish(claim);
                    expired++;
                }
            } while (batch.size() == BATCH && expired < MAX_PER_PASS);
            passCompleted(expired, "claimed and finished");
        } catch (SessionStoreException e) {
            claimFailed(e);
        }
        return expired;
    }

    /**
     * One pass for a container that expires the sessions itself later: claims up to
     * {@value #MAX_PER_PASS} expired sessions and returns their ids. Each one must then be
     * {@link #openClaimed opened} for its listeners and {@link #finish finished} within the lease.
     * Never throws.
     */
    public List<String> claimPass() {
        List<String> all = new ArrayList<>();
        try {
            List<Claim> batch;
            do {
                batch = claimBatch(Math.min(BATCH, MAX_PER_PASS - all.size()));
                for (Claim claim : batch) {
                    pending.put(claim.id(), claim);
                    all.add(claim.id());
                }
            } while (batch.size() == BATCH && all.size() < MAX_PER_PASS);
            passCompleted(all.size(), "claimed for the container to destroy");
        } catch (SessionStoreException e) {
            claimFailed(e);
        }
        return all;
    }

    /**
     * Counts a completed pass ({@code expiryPasses}) and logs it at DEBUG: one line per pass, which
     * an operator (or a test of a container it cannot reach into) can follow.
     */
    private void passCompleted(int sessions, String what) {
        store.metrics().expiryPass();
        if (log.isDebugEnabled()) {
            log.debug("redis-sessions: expiry pass completed for namespace '" + service.namespace() + "': " + sessions
                    + " expired sessions " + what);
        }
    }

    /** Whether this node holds an unfinished claim on the session (from {@link #claimPass}). */
    public boolean isClaimed(String id) {
        return pending.containsKey(id);
    }

    private List<Claim> claimBatch(int max) {
        List<Claim> batch = store.claimExpired(max, (shard, e) -> {
            service.availability().failed(e, "claim expired sessions of shard " + shard);
            log.warn("redis-sessions: cannot claim expired sessions of shard " + shard + " of namespace '"
                    + service.namespace() + "' now, the next pass retries: " + e.getMessage());
        });
        service.availability().succeeded();
        return batch;
    }

    /**
     * Opens a session this node claimed, although its stored expiry has passed, so that its
     * listeners can run on its attributes. Null when it is gone, or unreadable (then it is
     * deleted and logged).
     *
     * @throws SessionStoreException Redis cannot be used now: the caller retries later
     */
    public SessionState openClaimed(String id) {
        Claim claim = pending.get(id);
        return open(claim != null ? claim : new Claim(id, -1, 0));
    }

    private SessionState open(Claim claim) {
        String id = claim.id();
        try {
            SessionState state = store.openClaimed(claim);
            service.availability().succeeded();
            return state;
        } catch (SessionStoreException e) {
            if (e.kind() == SessionStoreException.Kind.DATA) {
                service.unreadable(id, "the expired session", e);
                return null;
            }
            service.availability().failed(e, "open expired session " + SessionIds.fingerprint(id));
            throw e;
        }
    }

    /**
     * Finishes this node's claim on a session once its listeners have run: the session is deleted
     * if it is still expired by Redis's clock and unchanged since the claim, else it goes back to
     * the expiry index. Without a claim of this node (e.g. Jetty expiring a session its own cache
     * found expired), the session is deleted. Never throws: a claim that cannot be finished now
     * runs out and is claimed again; a session that is never finished is removed by Redis when its
     * grace period ends.
     *
     * @return whether the session was deleted now
     */
    public boolean finish(String id) {
        Claim claim = pending.remove(id);
        if (claim != null) {
            return finish(claim);
        }
        try {
            boolean deleted = store.delete(id);
            service.availability().succeeded();
            return deleted;
        } catch (SessionStoreException e) {
            service.availability().failed(e, "delete expired session " + SessionIds.fingerprint(id));
            return false;
        }
    }

    private boolean finish(Claim claim) {
        try {
            boolean deleted = store.finishClaim(claim);
            service.availability().succeeded();
            return deleted;
        } catch (SessionStoreException e) {
            service.availability().failed(e, "finish the claim of expired session " + SessionIds.fingerprint(claim.id()));
            return false;
        }
    }

    /**
     * Deletes, without listeners, the sessions whose stored expiry is at or before
     * {@code cutoffMillis} and that no pass has claimed: a sweep for sessions left when no node ran
     * a pass for longer than the cut-off allows, or written without a TTL (Jetty's orphan sweep).
     * The cut-off is compared with the stored expiry, on Redis's clock. At most
     * {@value #MAX_PER_PASS} per call. Never throws.
     *
     * @return how many were deleted
     */
    public int dropExpiredBefore(long cutoffMillis) {
        try {
            int dropped = store.dropExpiredBefore(cutoffMillis, MAX_PER_PASS);
            service.availability().succeeded();
            return dropped;
        } catch (SessionStoreException e) {
            claimFailed(e);
            return 0;
        }
    }

    private void runListeners(SessionState state, Consumer<SessionState> fireListeners) {
        try {
            fireListeners.accept(state);
        } catch (RuntimeException e) {
            log.error("redis-sessions: the expiry listeners of session " + SessionIds.fingerprint(state.id())
                    + " failed; the session is deleted anyway", e);
        }
    }

    private void claimFailed(SessionStoreException e) {
        service.availability().failed(e, "claim expired sessions");
        if (e.kind() != SessionStoreException.Kind.UNAVAILABLE) {
            log.warn("redis-sessions: cannot claim expired sessions of namespace '" + service.namespace()
                    + "' now, the next pass retries: " + e.getMessage());
        }
    }
}
