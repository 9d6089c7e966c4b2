package io.redissessions.core.connection;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import redis.clients.jedis.Connection;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.Pool;

import java.util.function.Supplier;

/**
 * The Jedis client for the configured deployment, built lazily: a container starts while Redis
 * is down, and the first command after Redis returns connects. The build runs at most once at a
 * time and never makes other callers wait, but for the very first one ({@link ClientSlot}),
 * which a starting container begins in the background; every operation of the store runs
 * within one deadline, {@code operationTimeoutMillis}, across all its attempts
 * ({@link #startOperation()}, {@link OperationDeadline}).
 *
 * <p>Every kind of {@link RedisUri} is supported:
 * <ul>
 *   <li>{@code redis://} and {@code rediss://} (TLS with the host name verified against the
 *       certificate; trust from {@code tlsTrustStore}, else the JVM's default trust; an optional
 *       client certificate from {@code tlsKeyStore});</li>
 *   <li>{@code unix://} over junixsocket;</li>
 *   <li>{@code redis-sentinel://} (the client follows failovers announced by the sentinels) and
 *       {@code rediss-sentinel://} (sentinels and data nodes over TLS);</li>
 *   <li>{@code redis-cluster://} and {@code rediss-cluster://}.</li>
 * </ul>
 * Passwords never appear in a message of this class: the URI is always shown masked
 * ({@link #describe()}).
 */
public class RedisConnector implements AutoCloseable {

    private final RedisUri uri;
    private final ClientFactory factory;
    private final ClientSlot slot;
    private final int operationTimeoutMillis;
    private final int attemptMillis;
    /** Set on a thread while it runs background work (see {@link #inBackground}). */
    private static final ThreadLocal<Boolean> BACKGROUND = new ThreadLocal<>();

    public RedisConnector(SessionStoreConfig config) {
        this.uri = config.redisUri();
        this.factory = new ClientFactory(config, uri);
        this.slot = new ClientSlot(this::build, uri.masked());
        this.operationTimeoutMillis = config.effectiveOperationTimeoutMillis();
        this.attemptMillis = config.connectionWaitMillis();
    }

    public RedisUri uri() {
        return uri;
    }

    /** The URI with its user info and password masked: what logs, messages and JMX show. */
    public String describe() {
        return uri.masked();
    }

    /** Whether the deployment is a Redis Cluster (keys of different slots cannot share a script). */
    public boolean isCluster() {
        return uri.kind() == RedisUri.Kind.CLUSTER;
    }

    /** The bound of one operation across its attempts, in milliseconds. */
    public int operationTimeoutMillis() {
        return operationTimeoutMillis;
    }

    /**
     * Starts one operation on this thread: its deadline is {@link #operationTimeoutMillis()} from
     * now, and every attempt the client makes for it (redirects, reconnects) stays within it.
     * Close it when the operation returns.
     */
    public OperationDeadline startOperation() {
        return OperationDeadline.open(operationTimeoutMillis, attemptMillis);
    }

    /**
     * The client. The first call builds it; building may fail while Redis is down (Sentinel and
     * Cluster clients ask the servers at construction). The caller that starts a build waits for
     * it at most the time its operation has left (or {@link #operationTimeoutMillis()} outside one);
     * so does every call that arrives while the very first build of this connector runs (the first
     * requests of a node that just started), except background work ({@link #inBackground}) when a
     * request began that build. Every other call fails at once while a build runs or within a second
     * after one failed, then the next call builds again.
     *
     * @throws SessionStoreException  if there is no client now (Redis unreachable, being connected)
     * @throws ConfigurationException if a TLS store cannot be read
     */
    public UnifiedJedis client() {
        OperationDeadline d = OperationDeadline.current();
        return slot.get(d == null ? operationTimeoutMillis : d.millisLeft(), BACKGROUND.get() != null);
    }

    /**
     * Begins setting up the client on a thread of its own and returns at once: a context's start,
     * so that its first requests (and its first expiry pass) find it ready or wait for it. Does
     * nothing when there is a client or a set-up already.
     */
    public void connectInBackground() {
        slot.startInBackground();
    }

    /**
     * Runs {@code work} as background work (a container's expiry pass): its calls never wait for a
     * connection that a request is setting up; they fail at once. They wait only for the first
     * set-up that the context's start began ({@link #connectInBackground}), within their time.
     */
    public <T> T inBackground(Supplier<T> work) {
        Boolean outer = BACKGROUND.get();
        BACKGROUND.set(Boolean.TRUE);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                BACKGROUND.remove();
            }
        }
    }

    /**
     * A connection of the client's pool for a long use (a pub/sub subscription): on standalone and
     * unix sockets the server's pool, on Sentinel the current master's, on Cluster any node's
     * (classic pub/sub messages reach every node of a cluster). It counts against
     * {@code poolMaxTotal} until it is closed, which gives it back (or drops it when broken).
     *
     * @throws SessionStoreException when there is no client or no connection now
     */
    public Connection dedicatedConnection() {
        UnifiedJedis c = client();
        try {
            if (c instanceof RedisClient r) {
                return r.getPool().getResource();
            }
            if (c instanceof RedisSentinelClient s) {
                for (Pool<Connection> pool : s.getPrimaryNodesConnectionMap().values()) {
                    return pool.getResource();
                }
            } else if (c instanceof RedisClusterClient cluster) {
                for (Pool<Connection> pool : cluster.getClusterNodes().values()) {
                    return pool.getResource();
                }
            }
        } catch (JedisException e) {
            throw new SessionStoreException("redis-sessions: no connection to " + uri.masked() + " for a subscription: "
                    + e.getMessage(), e);
        }
        throw new SessionStoreException("redis-sessions: no connection to " + uri.masked() + " for a subscription");
    }

    /** Builds a new client; called by one thread at a time, never while a caller holds a lock. */
    protected UnifiedJedis build() {
        return factory.build();
    }

    @Override
    public void close() {
        slot.close();
    }

    @Override
    public String toString() {
        return "RedisConnector{" + describe() + "}";
    }
}
