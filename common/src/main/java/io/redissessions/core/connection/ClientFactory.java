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
import redis.clients.jedis.providers.SentineledConnectionProvider;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
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
 * Builds the Jedis client for one deployment kind. Every client it makes runs its commands through
 * the deadline hooks ({@link DeadlineCommandExecutor}, {@link DeadlineClusterExecutor}), speaks
 * RESP2 and carries the configured client name; every wait is bounded: connect and socket
 * timeouts, and a bounded wait for a pooled connection (commons-pool would otherwise wait forever).
 */
final class ClientFactory {

    private static final System.Logger LOG = System.getLogger(RedisConnector.class.getName());

    /** A placeholder address: Jedis' standalone builder insists on one even with our own provider. */
    private static final HostAndPort UNIX_PLACEHOLDER = new HostAndPort("localhost", 6379);

    private final SessionStoreConfig config;
    private final RedisUri uri;

    ClientFactory(SessionStoreConfig config, RedisUri uri) {
        this.config = config;
        this.uri = uri;
    }

    UnifiedJedis build() {
        switch (uri.kind()) {
            case STANDALONE: {
                RedisUri.Address a = uri.addresses().get(0);
                HostAndPort node = new HostAndPort(a.host(), a.port());
                JedisClientConfig cc = clientConfig(uri.database(), uri.tls(), true);
                PooledConnectionProvider provider = new PooledConnectionProvider(node, cc, poolConfig());
                return RedisClient.builder()
                        .hostAndPort(node)
                        .clientConfig(cc)
                        .connectionProvider(provider)
                        .commandExecutor(new DeadlineCommandExecutor(provider, config.getSocketTimeoutMillis()))
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
                        .commandExecutor(new DeadlineCommandExecutor(provider, config.getSocketTimeoutMillis()))
                        .build();
            }
            case SENTINEL: {
                Set<HostAndPort> sentinels = hostsAndPorts();
                JedisClientConfig cc = clientConfig(uri.database(), uri.tls(), true);
                JedisClientConfig sentinelConfig = clientConfig(0, uri.tls(), sentinelsRequireAuth(sentinels));
                // asks the sentinels for the master: this is what the build waits for
                SentineledConnectionProvider provider = new SentineledConnectionProvider(
                        uri.masterName(), cc, poolConfig(), sentinels, sentinelConfig);
                return RedisSentinelClient.builder()
                        .masterName(uri.masterName())
                        .sentinels(sentinels)
                        .clientConfig(cc)
                        .sentinelClientConfig(sentinelConfig)
                        .connectionProvider(provider)
                        .commandExecutor(new DeadlineCommandExecutor(provider, config.getSocketTimeoutMillis()))
                        .build();
            }
            case CLUSTER: {
                JedisClientConfig cc = clientConfig(0, uri.tls(), true);
                // reads the slot map from the first seed that answers: this is what the build waits for
                DeadlineClusterProvider provider = new DeadlineClusterProvider(hostsAndPorts(), cc, poolConfig());
                return RedisClusterClient.builder()
                        .nodes(hostsAndPorts())
                        .clientConfig(cc)
                        .connectionProvider(provider)
                        .commandExecutor(new DeadlineClusterExecutor(provider, config.getSocketTimeoutMillis(),
                                config.effectiveOperationTimeoutMillis()))
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
        // none reachable: the sentinel client fails below and a later call tries again
        return true;
    }

    /**
     * The first reply line to an unauthenticated PING, or null if the node cannot be reached. Over
     * TLS when the URI says so, with the same trust and host name verification as the client.
     */
    private String rawPing(HostAndPort hp) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(hp.getHost(), hp.getPort()), config.getConnectTimeoutMillis());
            plain.setSoTimeout(config.getSocketTimeoutMillis());
            Socket s = plain;
            if (uri.tls()) {
                SSLSocket ssl = (SSLSocket) sslSocketFactory().createSocket(plain, hp.getHost(), hp.getPort(), true);
                ssl.setSSLParameters(verifyingHostName());
                ssl.startHandshake();
                s = ssl;
            }
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r' && line.length() < 512) {
                line.append((char) c);
            }
            return line.length() == 0 ? null : line.toString(); // closed without a reply: not reached
        } catch (IOException e) {
            return null;
        }
    }

    JedisClientConfig clientConfig(int database, boolean tls, boolean withCredentials) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.getConnectTimeoutMillis())
                .socketTimeoutMillis(config.getSocketTimeoutMillis())
                .database(database)
                .hostAndPortMapper(BrokenConnections.MAPPER)
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
            b.ssl(true).sslSocketFactory(sslSocketFactory()).sslParameters(verifyingHostName());
        }
        return b.build();
    }

    /** TLS parameters that check that the certificate names the host connected to. */
    static SSLParameters verifyingHostName() {
        SSLParameters params = new SSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        return params;
    }

    /** Trust from {@code tlsTrustStore} (else the JVM default), client key from {@code tlsKeyStore}. */
    SSLSocketFactory sslSocketFactory() {
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

    ConnectionPoolConfig poolConfig() {
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
}
