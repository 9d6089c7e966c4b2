package io.redissessions.core.connection;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Cluster client's connections, kept within the {@link OperationDeadline} of the calling
 * operation:
 * <ul>
 *   <li>every attempt after the first (a redirect, a reconnect) gets a connection only while the
 *       operation has time for it; otherwise the operation ends with a
 *       {@link JedisClusterOperationException}, which the client does not retry;</li>
 *   <li>a refresh of the slot map, which may try every known node in turn, runs on a background
 *       thread when an operation asks for it: redirects already name the node to ask, and the
 *       next operations use the new map once it is there;</li>
 *   <li>a slot without a known node is a connection failure of this attempt (and a background
 *       refresh), not a walk over every master.</li>
 * </ul>
 * Outside an operation (a direct use of the client) it behaves like Jedis' own provider.
 */
final class DeadlineClusterProvider extends ClusterConnectionProvider {

    private final ExecutorService refresher;
    private final AtomicBoolean refreshQueued = new AtomicBoolean();

    /** Contacts the seeds for the slot map: this is what a Cluster client's build waits for. */
    DeadlineClusterProvider(Set<HostAndPort> seeds, JedisClientConfig clientConfig,
                            GenericObjectPoolConfig<Connection> poolConfig) {
        super(seeds, clientConfig, poolConfig);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "redis-sessions-cluster-refresh");
            t.setDaemon(true);
            t.setContextClassLoader(DeadlineClusterProvider.class.getClassLoader());
            return t;
        });
        this.refresher = pool;
    }

    private static void startAttempt() {
        OperationDeadline d = OperationDeadline.current();
        if (d != null && !d.startAttempt()) {
            throw new JedisClusterOperationException(d.exceededMessage());
        }
    }

    @Override
    public Connection getConnection(CommandArguments args) {
        startAttempt();
        return super.getConnection(args);
    }

    @Override
    public Connection getReplicaConnection(CommandArguments args) {
        startAttempt();
        return super.getReplicaConnection(args);
    }

    @Override
    public Connection getConnection(HostAndPort node) {
        startAttempt();
        return super.getConnection(node);
    }

    @Override
    public Connection getConnectionFromSlot(int slot) {
        if (OperationDeadline.current() != null) {
            ConnectionPool pool = cache.getSlotPool(slot);
            if (pool == null) {
                renewSlotCache();
                throw new JedisConnectionException("redis-sessions: no node known for slot " + slot
                        + " yet; the slot map is being refreshed");
            }
            return pool.getResource();
        }
        return super.getConnectionFromSlot(slot);
    }

    @Override
    public void renewSlotCache() {
        if (OperationDeadline.current() == null) {
            super.renewSlotCache();
        } else {
            refreshInBackground();
        }
    }

    @Override
    public void renewSlotCache(Connection connection) {
        if (OperationDeadline.current() == null) {
            super.renewSlotCache(connection);
        } else {
            refreshInBackground(); // the connection goes back to its pool when the attempt ends
        }
    }

    private void refreshInBackground() {
        if (!refreshQueued.compareAndSet(false, true)) {
            return; // one is queued already
        }
        try {
            refresher.execute(() -> {
                refreshQueued.set(false);
                try {
                    super.renewSlotCache();
                } catch (RuntimeException e) {
                    // the next failing operation asks again
                }
            });
        } catch (RuntimeException e) {
            refreshQueued.set(false); // closed
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        super.close();
    }
}
