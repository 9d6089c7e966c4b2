package io.redissessions.jetty;

import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.Claim;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.SessionKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The expiry logic of one {@link RedisSessionDataStore}: checking candidates, claiming expired
 * sessions from the store's expiry index, and cleaning orphaned index entries. The store keeps the
 * Jetty overrides ({@code getExpired}, {@code doCheckExpired}, ...) and delegates here. Logs as the
 * store does.
 */
final class RedisSessionExpiry {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionDataStore.class);

    /** Expired sessions claimed per round trip. */
    static final int CLAIM_BATCH = 100;
    /** Most expired sessions handed to Jetty per scavenge; the rest wait for the next one. */
    static final int CLAIM_MAX_PER_SCAVENGE = 10_000;

    private final RedisSessionDataStore owner;

    RedisSessionExpiry(RedisSessionDataStore owner) {
        this.owner = owner;
    }

    /** Candidates that are expired in Redis or gone from it. One round trip each. */
    Set<String> checkExpired(Set<String> candidates) {
        Set<String> expired = new HashSet<>();
        RedisSessionStore s = owner.store();
        for (String id : candidates) {
            try {
                if (!s.exists(id)) {
                    expired.add(id);
                }
            } catch (SessionStoreException e) {
                LOG.warn("redis-sessions: cannot check whether session {} expired, will retry: {}", id, e.getMessage());
            }
        }
        return expired;
    }

    /** Claims sessions whose stored expiry has passed, at most {@link #CLAIM_MAX_PER_SCAVENGE} (about). */
    List<String> claimExpired() {
        List<String> all = new ArrayList<>();
        RedisSessionStore s = owner.store();
        try {
            List<Claim> batch;
            do {
                batch = s.claimExpired(CLAIM_BATCH);
                batch.forEach(c -> all.add(c.id())); // the lease ends with Jetty's delete(id)
            } while (batch.size() == CLAIM_BATCH && all.size() < CLAIM_MAX_PER_SCAVENGE);
            owner.availability().available();
        } catch (SessionStoreException e) {
            LOG.warn("redis-sessions: cannot claim expired sessions of namespace '{}' now, will retry at the next "
                    + "scavenge: {}", owner.namespace(), e.getMessage());
        }
        return all;
    }

    /**
     * Deletes, without listeners, this namespace's index entries for sessions that expired before
     * {@code time} and were never claimed, with their hashes if any remain.
     */
    void cleanOrphans(long time) {
        RedisSessionStore s = owner.store();
        try {
            for (int shard = 0; shard < SessionKeys.SHARDS; shard++) {
                List<String> ids = s.connector().client().zrangeByScore(s.keys().indexKey(shard), "-inf",
                        Long.toString(time), 0, CLAIM_BATCH);
                for (String id : ids) {
                    s.delete(id);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("redis-sessions: cleaning orphaned sessions of namespace '{}' failed, will retry: {}",
                    owner.namespace(), e.getMessage());
        }
    }
}
