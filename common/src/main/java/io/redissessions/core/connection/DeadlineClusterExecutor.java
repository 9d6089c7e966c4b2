package io.redissessions.core.connection;

import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.StaticCommandFlagsRegistry;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.executors.ClusterCommandExecutor;

import java.time.Duration;

/**
 * Jedis' Cluster executor (redirects, reconnects, slot map refreshes) with the
 * {@link OperationDeadline} of the calling operation applied to each attempt: a reply is awaited
 * at most the time left, no command is sent once the deadline has passed, and the pause between
 * two attempts never reaches past it. The attempts themselves are counted and refused by
 * {@link DeadlineClusterProvider}.
 */
final class DeadlineClusterExecutor extends ClusterCommandExecutor {

    /** Redirects (MOVED, ASK) count as attempts: room for a few while a slot moves. */
    static final int MAX_ATTEMPTS = 5;

    private final int socketTimeoutMillis;

    DeadlineClusterExecutor(DeadlineClusterProvider provider, int socketTimeoutMillis, int operationTimeoutMillis) {
        super(provider, MAX_ATTEMPTS, Duration.ofMillis(operationTimeoutMillis), StaticCommandFlagsRegistry.registry());
        this.socketTimeoutMillis = socketTimeoutMillis;
    }

    @Override
    protected <T> T execute(Connection connection, CommandObject<T> command) {
        OperationDeadline deadline = OperationDeadline.current();
        try {
            return DeadlineCommandExecutor.execute(connection, command, socketTimeoutMillis,
                    () -> new JedisClusterOperationException(deadline.exceededMessage()));
        } catch (RuntimeException e) {
            if (deadline != null) {
                deadline.failed(e);
            }
            throw e;
        }
    }

    @Override
    protected void sleep(long millis) {
        OperationDeadline deadline = OperationDeadline.current();
        super.sleep(deadline == null ? millis : Math.max(0, Math.min(millis, deadline.millisLeft())));
    }
}
