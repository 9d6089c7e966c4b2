package io.redissessions.tomcat;

import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.Claim;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.SessionState;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import java.util.List;

/**
 * The expiry half of {@link RedisSessionManager#backgroundProcess()}: claims sessions whose
 * stored expiry has passed with {@link RedisSessionStore#claimExpired} and runs their listeners.
 * Each expired session is claimed by exactly one node, so its listeners run once in the cluster.
 */
final class ExpiredSessionClaimer {

    /** The manager's logger: messages keep the category of {@link RedisSessionManager}. */
    private static final Log log = LogFactory.getLog(RedisSessionManager.class);
    /** Expired sessions claimed per Redis call, and calls per background run. */
    private static final int CLAIM_BATCH = 100;
    private static final int CLAIM_BATCHES_PER_RUN = 10;

    private final RedisSessionManager manager;

    ExpiredSessionClaimer(RedisSessionManager manager) {
        this.manager = manager;
    }

    /** One background run: claims and expires up to {@code CLAIM_BATCHES_PER_RUN} batches. */
    void claimExpired(RedisSessionStore s) {
        try {
            for (int batch = 0; batch < CLAIM_BATCHES_PER_RUN; batch++) {
                List<Claim> claims = s.claimExpired(CLAIM_BATCH);
                for (Claim claim : claims) {
                    expireClaimed(s, claim);
                }
                if (claims.size() < CLAIM_BATCH) {
                    break;
                }
            }
            manager.redisUp();
        } catch (SessionStoreException e) {
            manager.redisDown(e, "claim expired sessions");
        }
    }

    private void expireClaimed(RedisSessionStore s, Claim claim) {
        String id = claim.id();
        SessionState state;
        try {
            state = s.openClaimed(claim);
        } catch (SessionStoreException e) {
            if (RedisSessionManagerBase.isDataError(e)) {
                manager.unreadable(id, "the expired session", e);
                manager.deleteQuietly(id);
                return;
            }
            throw e;
        }
        if (state == null) {
            return;
        }
        try {
            new RedisSession(manager, state, manager.withOwnRoute(state.id()), true).expire(true);
        } catch (RuntimeException e) {
            log.error("redis-sessions: the expiry listeners of session " + id + " failed", e);
        }
    }
}
