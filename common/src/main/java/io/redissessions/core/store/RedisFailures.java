package io.redissessions.core.store;

import io.redissessions.core.SessionStoreException;
import io.redissessions.core.SessionStoreException.Kind;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.util.NoSuchElementException;
import java.util.regex.Pattern;

/**
 * The one place that says what a Redis failure means ({@link Kind}). Both containers react to
 * the kind, never to Jedis exception types or reply texts.
 *
 * <ul>
 *   <li>{@link Kind#DATA} only for what proves the stored data bad: a {@code WRONGTYPE} reply (the
 *       key holds something that is not a session hash), or a counter field that is not a number
 *       ({@code ERR hash value is not an integer}), also when a script ran into it.</li>
 *   <li>{@link Kind#REJECTED} for a runtime error of one of our scripts ({@code ERR user_script:<line>:
 *       ...}): it failed on this operation's data or arguments; Redis is fine and retrying does not
 *       help. Not a proof that the stored data is bad either (it may be our script, or a forged
 *       field).</li>
 *   <li>{@link Kind#OVERLOADED} when no pooled connection became free within the pool's wait.</li>
 *   <li>{@link Kind#UNAVAILABLE} for everything else: refused connections and timeouts, and every
 *       other error reply ({@code LOADING}, {@code BUSY}, {@code CLUSTERDOWN}, {@code MASTERDOWN},
 *       {@code TRYAGAIN}, {@code READONLY}, {@code NOAUTH}, {@code WRONGPASS}, {@code NOPERM},
 *       {@code OOM}, {@code MISCONF}, an ACL refusal inside a script, unknown replies): they say
 *       Redis cannot serve us now, nothing about the session.</li>
 * </ul>
 */
public final class RedisFailures {

    /** A Lua runtime error: "ERR user_script:12: attempt to ..." (Redis 7) or "ERR Error running script" (6.x). */
    private static final Pattern SCRIPT_RUNTIME_ERROR =
            Pattern.compile("^ERR (user_script:\\d+:|Error running script)");

    private RedisFailures() {
    }

    /** The kind of a Jedis failure. */
    public static Kind kindOf(Throwable failure) {
        if (failure instanceof SessionStoreException s) {
            return s.kind();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JedisConnectionException) {
                return Kind.UNAVAILABLE;
            }
            if (t instanceof JedisDataException) {
                return kindOfReply(t.getMessage());
            }
            if (t instanceof NoSuchElementException) {
                // commons-pool: no idle connection within maxWait (Jedis wraps it in a plain JedisException)
                return Kind.OVERLOADED;
            }
        }
        return Kind.UNAVAILABLE;
    }

    /** The kind of an error reply, by its text as Redis sent it. */
    static Kind kindOfReply(String reply) {
        if (reply == null) {
            return Kind.UNAVAILABLE;
        }
        if (reply.startsWith("WRONGTYPE") || reply.startsWith("ERR hash value is not an integer")) {
            return Kind.DATA;
        }
        if (SCRIPT_RUNTIME_ERROR.matcher(reply).find()) {
            return Kind.REJECTED;
        }
        return Kind.UNAVAILABLE;
    }

    /**
     * A {@link SessionStoreException} of the right kind for a failure of {@code what} (e.g.
     * "load session #1f3a9c07") on the Redis at {@code where} (a masked URI).
     */
    public static SessionStoreException wrap(String what, String where, JedisException failure) {
        Kind kind = kindOf(failure);
        String reason = switch (kind) {
            case OVERLOADED -> "no pooled Redis connection became free within poolMaxWaitMillis";
            case DATA -> "the key does not hold a session";
            case REJECTED -> "Redis refused the operation";
            case UNAVAILABLE -> "Redis cannot be used now";
            case LOCKED -> "the session's lock is held";
        };
        return new SessionStoreException(kind, "redis-sessions: " + what + " failed on " + where + ": " + reason
                + ": " + failure.getMessage(), failure);
    }
}
