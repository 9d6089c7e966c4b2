package io.redissessions.core.store;

import io.redissessions.core.SessionIds;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.ArrayList;
import java.util.List;

import static io.redissessions.core.store.RedisSessionStore.bytes;

/**
 * The Redis side of session locks (lockingMode, see docs/wire-format.md): take a lock and read
 * the session in one script, release, renew. The lock of session {@code S} is the hash
 * {@code <prefix>{<ns>:<shard>}:lock:S} (field {@code t}: the holder's token, {@code w}: someone
 * waits), with the lease as its TTL, in the session's slot. The policy (waiting, local queueing,
 * renewal, when to release) is {@code io.redissessions.core.lock.SessionLocks}'s.
 */
public final class RedisLocks {

    private static final LuaScript LOCK = LuaScript.load("lock.lua");
    private static final LuaScript RELEASE = LuaScript.load("release.lua");
    private static final LuaScript RENEW = LuaScript.load("renew.lua");

    private final RedisSessionStore store;

    RedisLocks(RedisSessionStore store) {
        this.store = store;
    }

    /** A new lock of a request on session {@code id}, not taken yet. */
    public SessionLock newLock(String id) {
        return new SessionLock(store.keys(), id, store.nodeId());
    }

    /** The pub/sub channel of this namespace's wake-ups. */
    public String wakeUpChannel() {
        return store.keys().wakeUpChannel();
    }

    /**
     * Tries once to take {@code lock} and read its session, in one round trip (one script). The
     * lock is taken only when the session exists and has not expired by Redis's clock. When another
     * request holds it, the answer says how long its lease has left, and the holder's release will
     * publish a wake-up. With the near cache, an unchanged session is not sent again.
     */
    public LockAttempt lockAndLoad(SessionLock lock, long leaseMillis) {
        String id = lock.id();
        long readAt = store.clock().millis();
        StoredSession cached = store.cached(id);
        List<byte[]> args = new ArrayList<>(4);
        args.add(bytes(lock.token()));
        args.add(bytes(Long.toString(leaseMillis)));
        if (cached == null) {
            args.add(bytes(""));
            args.add(bytes(""));
        } else {
            args.addAll(RedisSessionStore.versionArgs(cached));
        }
        Object r = store.script("lock and load session " + SessionIds.fingerprint(id), LOCK,
                List.of(bytes(store.keys().sessionKey(id)), bytes(lock.key())), args);
        long receivedNanos = System.nanoTime();
        List<?> reply = r instanceof List<?> l && l.size() == 3 ? l : List.of(store.clock().millis(), 0L, List.of());
        long redisTime = reply.get(0) instanceof Long t ? t : store.clock().millis();
        long status = reply.get(1) instanceof Long code ? code : 0;
        if (status == -1) {
            store.metrics().lockWait();
            return new LockAttempt(LockAttempt.Outcome.HELD, null,
                    reply.get(2) instanceof Long ttl && ttl > 0 ? ttl : leaseMillis);
        }
        StoredSession s = status == 2 && cached != null
                ? store.unchanged(cached, redisTime, readAt, receivedNanos)
                : store.loaded(id, reply.get(2) instanceof List<?> h ? h : List.of(), redisTime, readAt, receivedNanos);
        if (status == 1 || status == 2) {
            lock.taken();
            return new LockAttempt(LockAttempt.Outcome.TAKEN, s, 0);
        }
        lock.done();
        return new LockAttempt(LockAttempt.Outcome.NOT_LOCKED, s, 0);
    }

    /**
     * Releases {@code lock} if it is still the request's, and wakes the requests waiting for it.
     * One round trip.
     *
     * @return whether it was still the request's
     */
    public boolean release(SessionLock lock) {
        Object r = store.script("release the lock of session " + SessionIds.fingerprint(lock.id()), RELEASE,
                List.of(bytes(lock.key())), releaseArgs(lock));
        lock.done();
        return r instanceof Long l && l == 1;
    }

    /**
     * Releases several locks in one pipeline (one round trip per Redis server that holds some of
     * them). A lock that is not its request's any more is left alone.
     */
    public void releaseAll(List<SessionLock> locks) {
        if (locks.size() <= 1) {
            locks.forEach(this::release);
            return;
        }
        List<Object> replies = store.call("release " + locks.size() + " session locks", j -> {
            try (AbstractPipeline p = j.pipelined()) {
                List<Response<Object>> responses = new ArrayList<>(locks.size());
                for (SessionLock lock : locks) {
                    responses.add(p.evalsha(RELEASE.sha1(), List.of(bytes(lock.key())), releaseArgs(lock)));
                }
                p.sync();
                List<Object> out = new ArrayList<>(responses.size());
                for (Response<Object> response : responses) {
                    try {
                        out.add(response.get());
                    } catch (JedisDataException e) {
                        out.add(e); // NOSCRIPT is retried below; another error leaves the lock to its lease
                    }
                }
                return out;
            }
        });
        for (int i = 0; i < locks.size(); i++) {
            if (replies.get(i) instanceof JedisDataException e && e.getMessage() != null
                    && e.getMessage().startsWith("NOSCRIPT")) {
                release(locks.get(i)); // the script was not loaded on that server yet: EVALSHA, then EVAL
            } else {
                locks.get(i).done();
            }
        }
    }

    private List<byte[]> releaseArgs(SessionLock lock) {
        return List.of(bytes(lock.token()), bytes(store.keys().wakeUpChannel()), bytes(lock.tag()));
    }

    /**
     * Extends {@code lock}'s lease while its request runs. One round trip.
     *
     * @return false when the lock was not the request's any more (its lease had run out): it is lost
     */
    public boolean renew(SessionLock lock, long leaseMillis) {
        Object r = store.script("renew the lock of session " + SessionIds.fingerprint(lock.id()), RENEW,
                List.of(bytes(lock.key())), List.of(bytes(lock.token()), bytes(Long.toString(leaseMillis))));
        if (r instanceof Long l && l == 1) {
            lock.renewed();
            return true;
        }
        lock.lost();
        store.metrics().lockLost();
        return false;
    }
}
