package io.redissessions.core.connection;

import redis.clients.jedis.Builder;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.net.SocketTimeoutException;
import java.util.function.LongFunction;

/**
 * A write whose arguments are fixed at the moment it is sent, when it is known until when its
 * sender waits for the reply; optionally followed by {@code WAIT numreplicas timeout} on the same
 * connection, in the same write (one round trip). Only the clients of {@link ClientFactory} run it
 * (their executors, {@link DeadlineCommandExecutor} and {@link DeadlineClusterExecutor}, on the
 * connection of the node that holds its keys, following redirects); run it with
 * {@code UnifiedJedis.executeCommand}.
 *
 * <p>The moment given to {@code argumentsUntil} is a {@link System#nanoTime()} value no earlier
 * than the moment the sender stops waiting for the write's reply: the send time plus the reply
 * wait of this attempt (the socket timeout, cut to the time the operation has left). A reply that
 * arrives later is never read; so Redis may refuse to apply the write after that moment (the
 * save script does, see docs/wire-format.md).
 */
public final class PipelinedWrite extends CommandObject<PipelinedWrite.Replies> {

    /**
     * What came back.
     *
     * @param reply                the write's reply
     * @param receivedNanos        {@link System#nanoTime()} right after that reply was read (before
     *                             the replicas' wait)
     * @param replicasAcknowledged what WAIT answered, or -1 when no WAIT was sent
     * @param waitFailure          the error reply to WAIT (the write itself succeeded), or null
     */
    public record Replies(Object reply, long receivedNanos, long replicasAcknowledged, JedisDataException waitFailure) {
    }

    private static final Builder<Replies> UNUSED = new Builder<>() {
        @Override
        public Replies build(Object data) {
            throw new IllegalStateException("a PipelinedWrite runs only on the store's own clients");
        }
    };

    private final LongFunction<CommandArguments> argumentsUntil;
    private final int replicas;
    private final int replicasTimeoutMillis;

    private PipelinedWrite(LongFunction<CommandArguments> argumentsUntil, int replicas, int replicasTimeoutMillis) {
        // the arguments for routing (keys, and so the Cluster slot): the same keys as those sent
        super(argumentsUntil.apply(System.nanoTime()), UNUSED);
        this.argumentsUntil = argumentsUntil;
        this.replicas = replicas;
        this.replicasTimeoutMillis = replicasTimeoutMillis;
    }

    /**
     * @param argumentsUntil the write's arguments, given the moment (nanoTime) after which its
     *                       sender no longer waits for the reply; the keys must not depend on it
     */
    public static PipelinedWrite of(LongFunction<CommandArguments> argumentsUntil) {
        return new PipelinedWrite(argumentsUntil, 0, 0);
    }

    /**
     * The same write followed by {@code WAIT replicas timeoutMillis}; its reply is awaited up to the
     * socket timeout plus {@code timeoutMillis}, within the operation's time left.
     */
    public PipelinedWrite waitingForReplicas(int replicas, int timeoutMillis) {
        if (replicas <= 0 || timeoutMillis <= 0) {
            throw new IllegalArgumentException("replicas and timeout must be positive: " + replicas + ", " + timeoutMillis);
        }
        return new PipelinedWrite(argumentsUntil, replicas, timeoutMillis);
    }

    /**
     * Sends the write (and WAIT) in one write of the connection and reads the replies. The
     * connection's timeout is {@code replyTimeoutMillis} on entry; the caller restores it.
     *
     * @throws JedisDataException the write's error reply (a redirect, NOSCRIPT, a script error), once
     *                            every reply of this round trip has been read
     */
    Replies run(Connection connection, int replyTimeoutMillis, int socketTimeoutMillis, OperationDeadline deadline) {
        long giveUpNanos = System.nanoTime() + replyTimeoutMillis * 1_000_000L;
        connection.sendCommand(argumentsUntil.apply(giveUpNanos));
        if (replicas > 0) {
            connection.sendCommand(new CommandArguments(Protocol.Command.WAIT).add(replicas).add(replicasTimeoutMillis));
        }
        Object reply = null;
        JedisDataException refused = null;
        try {
            reply = connection.getOne(); // flushes both commands first
        } catch (JedisDataException e) {
            refused = e;
        }
        long receivedNanos = System.nanoTime();
        long acknowledged = -1;
        JedisDataException waitFailure = null;
        if (replicas > 0) {
            long waitMillis = (long) socketTimeoutMillis + replicasTimeoutMillis;
            if (deadline != null) {
                waitMillis = Math.min(waitMillis, deadline.millisLeft());
            }
            if (waitMillis <= 0) {
                connection.setBroken(); // a reply is still due on it
                throw new JedisConnectionException(deadline.exceededMessage(),
                        new SocketTimeoutException("operationTimeoutMillis passed before WAIT answered"));
            }
            connection.setSoTimeout((int) waitMillis);
            try {
                acknowledged = connection.getOne() instanceof Long n ? n : 0;
            } catch (JedisDataException e) {
                waitFailure = e;
            }
        }
        if (refused != null) {
            throw refused;
        }
        return new Replies(reply, receivedNanos, acknowledged, waitFailure);
    }
}
