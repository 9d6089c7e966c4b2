package io.redissessions.core.store;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One request's lock on one session (lockingMode): the lock key in Redis, and the token that says
 * the lock is this request's. Made by the lock policy when a request starts to wait for a session,
 * taken by {@link RedisSessionStore#lockAndLoad}, released by the save that carries it
 * ({@link RedisSessionStore#write}) or by {@link RedisSessionStore#release}.
 *
 * <p>The token is the node id and 64 random bits: {@code redis-cli HGET <lock> t} shows which node
 * holds a lock. Thread-safe.
 */
public final class SessionLock {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the lock is in its life. */
    public enum State {
        /** Not taken yet: the request waits for it. */
        WAITING,
        /** Taken in Redis by this request. */
        HELD,
        /** Released (or never taken because there was no session to lock). */
        RELEASED,
        /** Its lease ran out in Redis while the request held it (a renewal found another token, or none). */
        LOST
    }

    private final String id;
    private final String key;
    private final String token;
    private final String tag;
    private volatile State state = State.WAITING;
    private volatile long renewedAtNanos;

    SessionLock(SessionKeys keys, String id, String nodeId) {
        this.id = Objects.requireNonNull(id, "id");
        this.key = keys.lockKey(id);
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        this.token = nodeId + ":" + HexFormat.of().formatHex(random);
        this.tag = SessionKeys.wakeUpTag(id);
    }

    /** The stored (cluster) id of the session this lock is for. */
    public String id() { return id; }
    /** The lock's key in Redis. */
    public String key() { return key; }
    public String token() { return token; }
    /** What the release publishes to wake the requests that wait for this session. */
    public String tag() { return tag; }
    public State state() { return state; }
    public boolean isHeld() { return state == State.HELD; }

    /**
     * Whether the request's saves are fenced by this lock: it was taken and not released, held or
     * {@link State#LOST lost} (a save is then refused if another request took the lock or wrote).
     */
    public boolean fencesSaves() { return state == State.HELD || state == State.LOST; }

    /** When it was taken or last renewed ({@link System#nanoTime()}). */
    public long renewedAtNanos() { return renewedAtNanos; }

    void taken() {
        renewedAtNanos = System.nanoTime();
        state = State.HELD;
    }

    void renewed() {
        renewedAtNanos = System.nanoTime();
    }

    /** Released in Redis, or nothing to release (absent session, lock lost, request done with it). */
    public void done() {
        if (state != State.LOST) {
            state = State.RELEASED;
        }
    }

    void lost() {
        state = State.LOST;
    }

    @Override
    public String toString() {
        return "SessionLock[" + io.redissessions.core.SessionIds.fingerprint(id) + ", " + state + "]";
    }
}
