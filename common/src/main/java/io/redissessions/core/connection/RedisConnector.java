package io.redissessions.core.connection;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.PooledConnectionProvider;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Builds the Jedis client for the configured deployment, lazily: a container starts while Redis
 * is down, and the first command after Redis returns connects. Every wait is bounded: connect
 * and socket timeouts, and a bounded wait for a pooled connection (commons-pool would otherwise
 * wait forever and hang request threads).
 *
 * <p>Every kind of {@link RedisUri} is supported:
 * <ul>
 *   <li>{@code redis://} and {@code rediss://} (TLS with the host name verified against the
 *       certificate; trust from {@code tlsTrustStore}, else the JVM's default trust; an optional
 *       client certificate from {@code tlsKeyStore});</li>
 *   <li>{@code unix://} over junixsocket;</li>
 *   <li>{@code redis-sentinel://} (the client follows failovers announced by the sentinels);</li>
 *   <li>{@code redis-cluster://}.</li>
 * </ul>
 * All connections speak RESP2 and carry the configured client name. Passwords never appear in a
 * message of this class: the URI is always shown masked ({@link #describe()}).
 */
public class RedisConnector implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RedisConnector.class.getName());

    /** A placeholder address: Jedis' standalone builder insists on one even with our own provider. */
    private static final HostAndPort UNIX_PLACEHOLDER = new HostAndPort("localhost", 6379);

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

    /** The URI with its password masked: what logs, messages and JMX show. */
    public String describe() {
        return uri.masked();
    }

    /** Whether the deployment is a Redis Cluster (keys of different slots cannot share a script). */
    public boolean isCluster() {
        return uri.kind() == RedisUri.Kind.CLUSTER;
    }

    /**
     * The client, built on first use. Building may fail while Redis is down (Sentinel and Cluster
     * clients ask the servers at construction); such a failure is not remembered, the next call
     * tries again.
     *
     * @throws SessionStoreException if the client cannot be built now (Redis unreachable)
     * @throws ConfigurationException if a TLS store cannot be read
     */
    public UnifiedJedis client() {
        UnifiedJedis c = client;
        if (c != null) {
            return c;
        }
        synchronized (lock) {
            if (closed) {
                throw new SessionStoreException("redis-sessions: the Redis session store is closed");
            }
            if (client == null) {
                try {
                    client = build();
                } catch (ConfigurationException | SessionStoreException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new SessionStoreException("redis-sessions: cannot connect to " + describe() + ": " + e, e);
                }
                LOG.log(System.Logger.Level.INFO, "redis-sessions: client ready for {0}", describe());
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
                        .clientConfig(clientConfig(uri.database(), uri.tls(), true))
                        .poolConfig(poolConfig())
                        .build();
            }
            case UNIX: {
                JedisClientConfig cc = clientConfig(uri.database(), false, true);
                UnixSocketFactory sockets = new UnixSocketFactory(Path.of(uri.socketPath()),
                        config.getConnectTimeoutMillis(), config.getSocketTimeoutMillis());
                PooledConnectionProvider provider =
                        new PooledConnectionProvider(new ConnectionFactory(sockets, cc), poolConfig());
                return RedisClient.builder()
                        .hostAndPort(UNIX_PLACEHOLDER)
                        .clientConfig(cc)
                        .connectionProvider(provider)
                        .build();
            }
            case SENTINEL: {
                Set<HostAndPort> sentinels = hostsAndPorts();
                return RedisSentinelClient.builder()
                        .masterName(uri.masterName())
                        .sentinels(sentinels)
                        .clientConfig(clientConfig(uri.database(), false, true))
                        .sentinelClientConfig(clientConfig(0, false, sentinelsRequireAuth(sentinels)))
                        .poolConfig(poolConfig())
                        .build();
            }
            case CLUSTER: {
                int perAttempt = config.getConnectTimeoutMillis() + config.getSocketTimeoutMillis();
                return RedisClusterClient.builder()
                        .nodes(hostsAndPorts())
                        .clientConfig(clientConfig(0, false, true))
                        .poolConfig(poolConfig())
                        .maxAttempts(3)
                        .maxTotalRetriesDuration(Duration.ofMillis(2L * perAttempt))
                        .build();
            }
            default:
                throw new SessionStoreException("redis-sessions: deployment " + uri.kind() + " is not supported");
        }
    }

    private Set<HostAndPort> hostsAndPorts() {
        Set<HostAndPort> set = new LinkedHashSet<>();
        for (RedisUri.Address a : uri.addresses()) {
            set.add(new HostAndPort(a.host(), a.port()));
        }
        return set;
    }

    /**
     * Sentinel authentication. The credentials of a {@code redis-sentinel://} URI are those of the
     * data nodes (master and replicas). Sentinels are often left without a password, and a
     * sentinel without one rejects AUTH ("called without any password configured"), so sending
     * the credentials unconditionally would break the most common deployment. When sentinels do
     * require a password, it is in practice the same as the data nodes' ({@code requirepass} or
     * the same ACL user on every instance); a separate setting is not offered. So: the first
     * reachable sentinel is asked PING without credentials, and only if it answers NOAUTH are
     * the same user/password sent to the sentinels.
     */
    private boolean sentinelsRequireAuth(Set<HostAndPort> sentinels) {
        if (uri.password() == null) {
            return false;
        }
        for (HostAndPort s : sentinels) {
            String reply = rawPing(s);
            if (reply != null) {
                boolean required = reply.startsWith("-NOAUTH") || reply.contains("uthentication required");
                LOG.log(System.Logger.Level.DEBUG, "redis-sessions: sentinel {0} {1} authentication",
                        s, required ? "requires" : "does not require");
                return required;
            }
        }
        // none reachable: the sentinel client fails below and the next call tries again
        return true;
    }

    /** The first reply line to an unauthenticated PING, or null if the node cannot be reached. */
    private String rawPing(HostAndPort hp) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hp.getHost(), hp.getPort()), config.getConnectTimeoutMillis());
            s.setSoTimeout(config.getSocketTimeoutMillis());
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r' && line.length() < 512) {
                line.append((char) c);
            }
            return line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    protected JedisClientConfig clientConfig(int database, boolean tls, boolean withCredentials) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.getConnectTimeoutMillis())
                .socketTimeoutMillis(config.getSocketTimeoutMillis())
                .database(database)
                .resp2();
        if (withCredentials && uri.user() != null) {
            b.user(uri.user());
        }
        if (withCredentials && uri.password() != null) {
            b.password(uri.password());
        }
        if (config.getClientName() != null && !config.getClientName().isEmpty()) {
            b.clientName(config.getClientName());
        }
        if (tls) {
            SSLParameters params = new SSLParameters();
            // verify that the certificate names the host we connect to
            params.setEndpointIdentificationAlgorithm("HTTPS");
            b.ssl(true).sslSocketFactory(sslSocketFactory()).sslParameters(params);
        }
        return b.build();
    }

    /** Trust from {@code tlsTrustStore} (else the JVM default), client key from {@code tlsKeyStore}. */
    protected SSLSocketFactory sslSocketFactory() {
        String trustPath = emptyToNull(config.getTlsTrustStore());
        String keyPath = emptyToNull(config.getTlsKeyStore());
        if (trustPath == null && keyPath == null) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try {
            TrustManager[] trust = null;
            if (trustPath != null) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(loadStore("tlsTrustStore", trustPath, config.getTlsTrustStorePassword()));
                trust = tmf.getTrustManagers();
            }
            KeyManager[] keys = null;
            if (keyPath != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(loadStore("tlsKeyStore", keyPath, config.getTlsKeyStorePassword()),
                        chars(config.getTlsKeyStorePassword()));
                keys = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException(keyPath != null ? "tlsKeyStore" : "tlsTrustStore",
                    keyPath != null ? keyPath : trustPath, "cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore loadStore(String setting, String path, String password) {
        try {
            // detects PKCS12 and JKS
            return KeyStore.getInstance(new File(path), chars(password));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigurationException(setting, path,
                    "a readable PKCS12 or JKS file with the password of setting " + setting + "Password: "
                            + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
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

    @Override
    public String toString() {
        return "RedisConnector{" + describe() + "}";
    }
}
