package io.redissessions.jetty;

import io.redissessions.core.SessionIds;
import org.slf4j.Logger;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code failureMode=local}: the sessions this node keeps in its own memory while Redis cannot be
 * used, and the count of calls served that way. When Redis answers again, what it holds wins; a
 * session created here during the outage is written to Redis at its next save.
 */
final class LocalSessions {

    private final Logger log;
    private final Map<String, RedisSessionData> sessions = new ConcurrentHashMap<>();
    private final LongAdder served = new LongAdder();

    LocalSessions(Logger log) {
        this.log = log;
    }

    /** Counts a load, save or delete of session {@code id} served from this node's memory. */
    void servedLocally(String what, String id) {
        served.increment();
        if (log.isDebugEnabled()) {
            log.debug("redis-sessions: {} of session {} served node-locally (Redis cannot be used)", what, id);
        }
    }

    RedisSessionData get(String id) {
        return sessions.get(id);
    }

    void keep(String id, RedisSessionData data) {
        sessions.put(id, data);
    }

    /** Drops the node-local copy of this session; whether there was one. */
    boolean forget(String id) {
        return sessions.remove(id) != null;
    }

    /**
     * The session kept here during an outage that Redis does not have (created meanwhile, or gone
     * from Redis), or null: it is written to Redis as a new session at its next save, and kept
     * here until that save succeeds.
     */
    RedisSessionData outageSession(String id) {
        RedisSessionData outage = sessions.get(id);
        if (outage != null) {
            outage.requireCreate();
            log.info("redis-sessions: session {} kept on this node while Redis could not be used is written to Redis "
                    + "at its next save", SessionIds.fingerprint(id));
        }
        return outage;
    }

    /** Adds the ids of the sessions kept here that have expired at {@code now}. */
    void addExpired(Set<String> expired, long now) {
        sessions.forEach((id, d) -> {
            if (d.isExpiredAt(now)) {
                expired.add(id);
            }
        });
    }

    void clear() {
        sessions.clear();
    }

    long served() {
        return served.sum();
    }
}
