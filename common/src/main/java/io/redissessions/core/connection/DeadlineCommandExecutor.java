package io.redissessions.core.connection;

import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.executors.CommandExecutor;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.util.IOUtils;

import java.net.SocketTimeoutException;
import java.util.function.Supplier;

/**
 * Runs each command of a standalone, unix-socket or Sentinel client on a pooled connection, with
 * its reply timeout cut to the time left of the {@link OperationDeadline} on the calling thread
 * (if any). These clients never retry by themselves; the store's one read retry asks
 * {@link OperationDeadline#allowsAnotherAttempt()} first.
 */
final class DeadlineCommandExecutor implements CommandExecutor {

    private final ConnectionProvider provider;
    private final int socketTimeoutMillis;

    DeadlineCommandExecutor(ConnectionProvider provider, int socketTimeoutMillis) {
        this.provider = provider;
        this.socketTimeoutMillis = socketTimeoutMillis;
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
        try (Connection connection = provider.getConnection(command.getArguments())) {
            return execute(connection, command, socketTimeoutMillis,
                    () -> new JedisConnectionException(OperationDeadline.current().exceededMessage(),
                            new SocketTimeoutException("operationTimeoutMillis passed")));
        }
    }

    /**
     * Sends one command on a connection, waiting for its reply at most the socket timeout and at
     * most the time the operation has left; the connection's own timeout is restored afterwards
     * (it goes back to the pool). A {@link PipelinedWrite} sends its commands together and reads
     * every reply.
     *
     * @param noTimeLeft the exception to throw, without sending, when the deadline has passed
     */
    static <T> T execute(Connection connection, CommandObject<T> command, int socketTimeoutMillis,
                         Supplier<RuntimeException> noTimeLeft) {
        OperationDeadline deadline = OperationDeadline.current();
        int timeout = deadline == null ? socketTimeoutMillis : deadline.readTimeoutMillis(socketTimeoutMillis);
        if (timeout <= 0) {
            throw noTimeLeft.get();
        }
        boolean changed = timeout < socketTimeoutMillis;
        if (changed) {
            connection.setSoTimeout(timeout);
        }
        try {
            if (command instanceof PipelinedWrite write) {
                changed = true; // it waits longer for WAIT's reply
                @SuppressWarnings("unchecked")
                T replies = (T) write.run(connection, timeout, socketTimeoutMillis, deadline);
                return replies;
            }
            return connection.executeCommand(command);
        } catch (RuntimeException e) {
            if (connection.isBroken()) {
                BrokenConnections.discard(connection);
            }
            throw e;
        } finally {
            if (changed && !connection.isBroken()) {
                try {
                    connection.setSoTimeout(socketTimeoutMillis);
                } catch (RuntimeException e) {
                    connection.setBroken(); // not reusable with another timeout: the pool drops it
                }
            }
        }
    }

    @Override
    public void close() {
        IOUtils.closeQuietly(provider);
    }
}
