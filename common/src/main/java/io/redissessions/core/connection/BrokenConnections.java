package io.redissessions.core.connection;

import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPortMapper;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Closes a connection that broke (a timeout, a reset) without a replacement being opened on the
 * thread that saw it break.
 *
 * <p>commons-pool2 2.13 replaces every invalidated object at once, on the invalidating thread
 * ({@code GenericObjectPool.invalidateObject} calls {@code addObject}; POOL-431). Against a stalled
 * Redis that new connection waits for its handshake reply too: each failed call would wait a
 * second socket timeout (and a connect timeout when packets are dropped) after its own. Here the
 * replacement is refused before it connects, through the one hook that every connection of every
 * deployment kind passes before its socket connects, the client configuration's
 * {@link HostAndPortMapper} ({@link #MAPPER}; the unix socket factory asks
 * {@link #refuseWhileDiscarding()} itself). The pool opens a connection when a caller next needs
 * one, within that caller's own deadline.
 */
final class BrokenConnections {

    private static final ThreadLocal<Boolean> DISCARDING = new ThreadLocal<>();

    /** Maps every address to itself; refuses to open a connection while this thread discards one. */
    static final HostAndPortMapper MAPPER = address -> {
        refuseWhileDiscarding();
        return address;
    };

    private BrokenConnections() {
    }

    /** Returns a broken connection to its pool (which destroys it); no replacement on this thread. */
    static void discard(Connection connection) {
        DISCARDING.set(Boolean.TRUE);
        try {
            connection.close();
        } catch (RuntimeException e) {
            // the pool reports the refused replacement after it destroyed the broken connection
        } finally {
            DISCARDING.remove();
        }
    }

    /** Called before a socket is opened. */
    static void refuseWhileDiscarding() {
        if (DISCARDING.get() != null) {
            throw new JedisConnectionException("redis-sessions: a broken connection is not replaced on the"
                    + " thread that saw it break; the pool opens one when it is next needed");
        }
    }
}
