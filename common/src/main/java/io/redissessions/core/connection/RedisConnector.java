package io.redissessions.core.connection;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;

/**
 * Builds the Jedis client for the configured deployment, lazily: a container starts while Redis
 * is down, and the first command after Redis returns connects. Every wait is bounded: connect
 * and socket timeouts, and a bounded wait for a pooled connection (commons-pool would otherwise
 * wait forever and hang request threads).
 */
public class RedisConnector implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RedisConnector.class.getName());

    private final SessionStoreConfig config;
    private final RedisUri uri;
    private final Object lock = new Object();
    private volatile UnifiedJedis client;
    private volatile boolean closed;

    public RedisConnector(SessionStoreConfig config) {
        this.config = config;
        this.uri = config.redisUri();
    }

    public RedisUri uri() {
        return uri;
    }

    /** Whether the deployment is a Redis Cluster (keys of different slots cannot share a script). */
    public boolean isCluster() {
        return uri.kind() == RedisUri.Kind.CLUSTER;
    }

    /**
     * The client, built on first use. Building may fail while Redis is down (Sentinel and Cluster
     * clients ask the servers at construction); the next call tries again.
     */
    public UnifiedJedis client() {
        UnifiedJedis c = client;
        if (c != null) {
            return c;
        }
        synchronized (lock) {
            if (closed) {
                throw new SessionStoreException("the Redis session store is closed");
            }
            if (client == null) {
                client = build();
                LOG.log(System.Logger.Level.INFO, "redis-sessions: connected to {0}", uri.masked());
            }
            return client;
        }
    }

    protected UnifiedJedis build() {
        switch (uri.kind()) {
            case STANDALONE: {
                RedisUri.Address a = uri.addresses().get(0);
                return RedisClient.builder()
                        .hostAndPort(new HostAndPort(a.host(), a.port()))
                        .clientConfig(clientConfig(uri.database()))
                        .poolConfig(poolConfig())
                        .build();
            }
            default:
                throw new SessionStoreException("deployment " + uri.kind() + " is not supported yet");
        }
    }

    protected JedisClientConfig clientConfig(int database) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.getConnectTimeoutMillis())
                .socketTimeoutMillis(config.getSocketTimeoutMillis())
                .database(database)
                .resp2();
        if (uri.user() != null) {
            b.user(uri.user());
        }
        if (uri.password() != null) {
            b.password(uri.password());
        }
        if (config.getClientName() != null && !config.getClientName().isEmpty()) {
            b.clientName(config.getClientName());
        }
        return b.build();
    }

    protected ConnectionPoolConfig poolConfig() {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(config.getPoolMaxTotal());
        pool.setMaxIdle(config.getPoolMaxTotal());
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(Duration.ofMillis(config.getPoolMaxWaitMillis()));
        pool.setTestOnBorrow(false);
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
        pool.setJmxEnabled(false);
        return pool;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }
}
