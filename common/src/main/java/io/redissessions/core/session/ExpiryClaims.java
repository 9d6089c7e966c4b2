package io.redissessions.core.session;

import io.redissessions.core.SessionIds;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.StoreLog;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.SessionState;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The expiry side of the policy, the same for both containers: claims sessions whose stored
 * expiry has passed from the store's expiry index (each one is handed to exactly one claimer in
 * the cluster), opens each one for its listeners, and deletes it afterwards. Tomcat runs a whole
 * {@link #expirePass pass} from its background thread; Jetty takes the ids of a
 * {@link #claimPass pass} for its scavenger and then {@link #openClaimed opens} and
 * {@link #finish finishes} each one as Jetty expires it.
 *
 * <p>Limits: {@value #BATCH} sessions per claim call, at most {@value #MAX_PER_PASS} per pass (the
 * rest wait for the next pass). A failure of one session (unreadable data, a listener that throws)
 * costs that session only; a failure of Redis ends the pass, which the next one retries. Every
 * completed pass is counted ({@code expiryPasses}), so tests can wait for one instead of
 * sleeping.
 */
public final class ExpiryClaims {

    /** Sessions claimed per Redis call. */
    public static final int BATCH = 100;
    /** Most sessions one pass claims; the rest wait for the next pass. */
    public static final int MAX_PER_PASS = 10_000;

    private final SessionService service;
    private final RedisSessionStore store;
    private final StoreLog log;

    ExpiryClaims(SessionService service) {
        this.service = Objects.requireNonNull(service, "service");
        this.store = service.store();
        this.log = service.log();
    }

    /**
     * One pass for a container that fires listeners right away: claims expired sessions in
     * batches, hands each one that can still be read to {@code fireListeners} (on this thread),
     * then deletes it. Never throws.
     *
     * @return how many sessions this pass expired
     */
    public int expirePass(Consumer<SessionState> fireListeners) {
        int expired = 0;
        try {
            List<String> batch;
            do {
                batch = store.claimExpired(Math.min(BATCH, MAX_PER_PASS - expired));
                service.availability().succeeded();
                for (String id : batch) {
                    SessionState state = openClaimed(id);
                    if (state != null) {
                        runListeners(state, fireListeners);
                    }
                    finish(id);
                    expired++;
                }
            } while (batch.size() == BATCH && expired < MAX_PER_PASS);
            store.metrics().expiryPass();
        } catch (SessionStoreException e) {
            claimFailed(e);
        }
        return expired;
    }

    /**
     * One pass for a container that expires the sessions itself later: claims up to
     * {@value #MAX_PER_PASS} expired sessions and returns their ids. Each one must then be
     * {@link #openClaimed opened} for its listeners and {@link #finish finished}. Never throws.
     */
    public List<String> claimPass() {
        List<String> all = new ArrayList<>();
        try {
            List<String> batch;
            do {
                batch = store.claimExpired(Math.min(BATCH, MAX_PER_PASS - all.size()));
                service.availability().succeeded();
                all.addAll(batch);
            } while (batch.size() == BATCH && all.size() < MAX_PER_PASS);
            store.metrics().expiryPass();
        } catch (SessionStoreException e) {
            claimFailed(e);
        }
        return all;
    }

    /**
     * Opens a session this node claimed, although its stored expiry has passed, so that its
     * listeners can run on its attributes. Null when it is gone, or unreadable (then it is
     * deleted and logged).
     *
     * @throws SessionStoreException Redis cannot be used now: the caller retries later
     */
    public SessionState openClaimed(String id) {
        try {
            SessionState state = store.openClaimed(id);
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
     * Deletes a claimed session once its listeners have run. Never throws: a session that cannot
     * be deleted now is removed by Redis when its grace period ends.
     *
     * @return whether it was deleted now
     */
    public boolean finish(String id) {
        try {
            boolean deleted = store.delete(id);
            service.availability().succeeded();
            return deleted;
        } catch (SessionStoreException e) {
            service.availability().failed(e, "delete expired session " + SessionIds.fingerprint(id));
            return false;
        }
    }

    /**
     * Deletes, without listeners, the sessions whose stored expiry is at or before
     * {@code cutoffMillis} and that no pass has claimed: Jetty's orphan sweep, for sessions left by
     * nodes that were gone for longer than the cut-off allows, or written without a TTL. At most
     * {@value #MAX_PER_PASS} per call. Never throws.
     *
     * @return how many were deleted
     */
    public int dropExpiredBefore(long cutoffMillis) {
        int claimed = 0;
        int dropped = 0;
        try {
            List<String> batch;
            do {
                batch = store.claimExpired(Math.min(BATCH, MAX_PER_PASS - claimed), cutoffMillis);
                service.availability().succeeded();
                claimed += batch.size();
                for (String id : batch) {
                    if (finish(id)) {
                        dropped++;
                    }
                }
            } while (batch.size() == BATCH && claimed < MAX_PER_PASS);
        } catch (SessionStoreException e) {
            claimFailed(e);
        }
        return dropped;
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
