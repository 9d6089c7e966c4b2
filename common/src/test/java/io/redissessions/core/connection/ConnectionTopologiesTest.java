package io.redissessions.core.connection;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisAssumptions;
import io.redissessions.testing.RedisClusterGroup;
import io.redissessions.testing.RedisSentinelGroup;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.TlsMaterial;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

import javax.net.ssl.SSLHandshakeException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The connector's client against every kind of deployment, on real redis-server processes. */
@Timeout(60)
class ConnectionTopologiesTest {

    private static TlsMaterial tlsMaterial;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<String> logLines = new ArrayList<>();
    private Handler logCapture;

    @BeforeEach
    void captureLogs() {
        logCapture = new Handler() {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public synchronized void publish(LogRecord r) {
                logLines.add(formatter.format(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logCapture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(logCapture);
        Logger.getLogger("redis.clients").setLevel(Level.ALL);
        Logger.getLogger("io.redissessions").setLevel(Level.ALL);
    }

    @AfterEach
    void closeResources() throws Exception {
        Logger.getLogger("").removeHandler(logCapture);
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @AfterAll
    static void removeTlsMaterial() {
        if (tlsMaterial != null) {
            tlsMaterial.close();
        }
    }

    private <T extends AutoCloseable> T use(T resource) {
        resources.add(resource);
        return resource;
    }

    private static SessionStoreConfig config(String uri) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setEnvironment(Map.<String, String>of()::get); // not the process environment
        c.setUri(uri);
        c.setConnectTimeoutMillis(1000);
        c.setSocketTimeoutMillis(2000);
        c.setPoolMaxWaitMillis(1000);
        c.validate();
        return c;
    }

    private RedisConnector connector(SessionStoreConfig config) {
        return use(new RedisConnector(config));
    }

    private static void assertSetGet(UnifiedJedis client, String key) {
        assertThat(client.set(key, "value-of-" + key)).isEqualTo("OK");
        assertThat(client.get(key)).isEqualTo("value-of-" + key);
    }

    private static synchronized TlsMaterial tls() {
        if (tlsMaterial == null) {
            tlsMaterial = TlsMaterial.create();
        }
        return tlsMaterial;
    }

    /** Every message and toString in the chain, suppressed ones included. */
    private static String everything(Throwable t) {
        StringBuilder sb = new StringBuilder();
        Set<Throwable> seen = new HashSet<>();
        List<Throwable> todo = new ArrayList<>(List.of(t));
        while (!todo.isEmpty()) {
            Throwable x = todo.remove(0);
            if (x == null || !seen.add(x)) {
                continue;
            }
            sb.append(x).append('\n');
            todo.add(x.getCause());
            todo.addAll(List.of(x.getSuppressed()));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ standalone TCP

    @Test
    void standaloneClientSetsAndGets() {
        RedisServer server = use(RedisServer.startStandalone());
        RedisConnector connector = connector(config(server.uri()));

        assertSetGet(connector.client(), "plain");
        assertThat(server.command("CLIENT", "LIST")).contains("name=redis-sessions");
    }

    @Test
    void selectsDatabaseFromUri() {
        RedisServer server = use(RedisServer.startStandalone());
        RedisConnector connector = connector(config(server.uri() + "/3"));

        connector.client().set("in-db-3", "x");

        assertThat(server.commands(List.of(new String[]{"SELECT", "3"}, new String[]{"GET", "in-db-3"})))
                .containsExactly("+OK", "x");
    }

    @Test
    void buildsLazilyAndConnectsOnceTheServerIsUp() {
        RedisServer server = use(RedisServer.builder().port(RedisServer.freePort()).build()); // not started
        RedisConnector connector = connector(config(server.uri()));

        Throwable down = catchThrowable(() -> connector.client().get("k"));
        assertThat(down).isInstanceOfAny(JedisConnectionException.class, SessionStoreException.class);

        server.start();
        assertSetGet(connector.client(), "after-start");
    }

    @Test
    void retriesAFailedBuildOnTheNextCall() {
        AtomicInteger builds = new AtomicInteger();
        RedisServer server = use(RedisServer.startStandalone());
        RedisConnector connector = use(new RedisConnector(config(server.uri())) {
            @Override
            protected UnifiedJedis build() {
                if (builds.incrementAndGet() == 1) {
                    throw new JedisConnectionException("All sentinels down (simulated)");
                }
                return super.build();
            }
        });

        assertThatThrownBy(connector::client).isInstanceOf(SessionStoreException.class)
                .hasMessageContaining(server.uri()).hasMessageContaining("simulated");
        // calls fail at once for a moment after a failed build; then one builds again
        Poll.until(Duration.ofSeconds(10), "a later call builds the client", () -> connector.client() != null);
        assertSetGet(connector.client(), "second-build");
        assertThat(connector.client()).isSameAs(connector.client());
        assertThat(builds).hasValue(2);
    }

    @Test
    void failsClusterBuildWithMaskedUriWhileNodesAreDown() {
        int port = RedisServer.freePort();
        SessionStoreConfig c = config("redis-cluster://127.0.0.1:" + port);
        c.setPassword("cluster-secret-pw");
        RedisConnector connector = connector(c);

        for (int attempt = 0; attempt < 2; attempt++) { // the failure, then the same one remembered for a moment
            Throwable t = catchThrowable(connector::client);
            assertThat(t).isInstanceOf(SessionStoreException.class).hasMessageContaining("127.0.0.1:" + port);
            assertThat(everything(t)).doesNotContain("cluster-secret-pw");
        }
        assertThat(String.join("\n", logLines)).doesNotContain("cluster-secret-pw");
    }

    @Test
    void boundsTheWaitForAPooledConnection() {
        RedisServer server = use(RedisServer.startStandalone());
        SessionStoreConfig c = config(server.uri());
        c.setPoolMaxTotal(1);
        c.setPoolMaxWaitMillis(300);
        UnifiedJedis client = connector(c).client();
        client.ping();

        long start = System.nanoTime();
        Throwable t;
        try (AbstractTransaction holdsTheOnlyConnection = client.multi()) {
            t = catchThrowable(() -> client.get("k"));
            holdsTheOnlyConnection.discard();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(t).isInstanceOf(JedisException.class);
        assertThat(everything(t)).contains("pool");
        assertThat(millis).isBetween(250L, 5000L);
        assertThat(client.ping()).isEqualTo("PONG"); // released again
    }

    // ------------------------------------------------------------------ authentication

    @Test
    void authenticatesWithPasswordSetting() {
        RedisServer server = use(RedisServer.builder().password("pw-default-user").start());
        SessionStoreConfig c = config(server.uri());
        c.setPassword("pw-default-user");

        assertSetGet(connector(c).client(), "with-password");
    }

    @Test
    void authenticatesWithPasswordInUri() {
        RedisServer server = use(RedisServer.builder().password("pw/with?odd@chars").start());

        assertSetGet(connector(config(server.uri(null, "pw/with?odd@chars"))).client(), "uri-password");
    }

    @Test
    void authenticatesAsAclUser() {
        RedisServer server = use(RedisServer.builder().password("admin-pw").aclUser("alice", "alice-secret").start());
        SessionStoreConfig c = config(server.uri());
        c.setUser("alice");
        c.setPassword("alice-secret");

        assertSetGet(connector(c).client(), "as-alice");
        assertThat(server.command("CLIENT", "LIST")).contains("user=alice");
    }

    @Test
    void rejectsWrongPasswordWithoutShowingIt() {
        RedisServer server = use(RedisServer.builder().password("right-pw").aclUser("alice", "alice-secret").start());
        SessionStoreConfig c = config(server.uri(null, "hunter2-wrong"));
        c.setPoolMaxWaitMillis(500);
        RedisConnector connector = connector(c);

        Throwable t = catchThrowable(() -> connector.client().get("k"));

        assertThat(t).isInstanceOf(JedisException.class);
        assertThat(everything(t)).contains("WRONGPASS").doesNotContain("hunter2-wrong");
        assertThat(connector.describe()).doesNotContain("hunter2-wrong");
        assertThat(logLines).anyMatch(l -> l.contains("client ready for " + connector.describe())); // capture works
        assertThat(String.join("\n", logLines)).doesNotContain("hunter2-wrong");
    }

    // ------------------------------------------------------------------ unix socket

    @Test
    void unixSocketClientSetsAndGets() {
        RedisServer server = use(RedisServer.builder().unixSocket().start());
        assertThat(server.uri()).startsWith("unix:///");

        assertSetGet(connector(config(server.uri())).client(), "over-unix");
    }

    @Test
    void unixSocketAuthenticatesAsAclUser() {
        RedisServer server = use(RedisServer.builder().unixSocket().password("admin-pw")
                .aclUser("alice", "alice-secret").start());

        assertSetGet(connector(config(server.uri("alice", "alice-secret"))).client(), "unix-alice");
    }

    @Test
    void unixSocketAppliesTheReadTimeout() {
        RedisServer server = use(RedisServer.builder().unixSocket().start());
        SessionStoreConfig c = config(server.uri());
        c.setSocketTimeoutMillis(300);
        UnifiedJedis client = connector(c).client();
        client.ping();

        long start = System.nanoTime();
        // sent as a plain command, so Jedis keeps the normal read timeout; the server blocks 2 s
        Throwable t = catchThrowable(() -> client.sendCommand(Protocol.Command.BLPOP, "no-such-list", "2"));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(t).isInstanceOf(JedisConnectionException.class);
        assertThat(everything(t)).contains(SocketTimeoutException.class.getName());
        assertThat(millis).isLessThan(1500);
        assertThat(client.ping()).isEqualTo("PONG"); // the broken connection was dropped
    }

    // ------------------------------------------------------------------ TLS

    private SessionStoreConfig tlsConfig(String uri) {
        SessionStoreConfig c = config(uri);
        c.setTlsTrustStore(tls().trustStore().toString());
        c.setTlsTrustStorePassword(tls().trustStorePassword());
        return c;
    }

    @Test
    void tlsClientVerifiesHostNameAndSetsAndGets() {
        RedisAssumptions.assumeTls();
        RedisServer server = use(RedisServer.builder().tls(tls()).password("tls-pw").start());
        assertThat(server.uri()).startsWith("rediss://localhost:");
        SessionStoreConfig c = tlsConfig(server.uri());
        c.setPassword("tls-pw");

        assertSetGet(connector(c).client(), "over-tls");
        // the certificate also names 127.0.0.1
        assertSetGet(connector(tlsConfig(server.uri(null, "tls-pw").replace("localhost", "127.0.0.1")))
                .client(), "over-tls-ip");
    }

    @Test
    void tlsRejectsCertificateForAnotherHostName() {
        RedisAssumptions.assumeTls();
        TlsMaterial.ServerCertificate otherHost = tls().issue("dns:other.example");
        RedisServer server = use(RedisServer.builder().tls(tls(), otherHost).start());

        Throwable t = catchThrowable(() -> connector(tlsConfig(server.uri())).client().ping());

        assertThat(t).isInstanceOf(JedisConnectionException.class);
        assertThat(everything(t)).contains(SSLHandshakeException.class.getName()).contains("localhost");
    }

    @Test
    void tlsPresentsClientCertificateFromKeyStore() {
        RedisAssumptions.assumeTls();
        RedisServer server = use(RedisServer.builder().tls(tls()).set("tls-auth-clients", "yes").start());
        SessionStoreConfig withoutCertificate = tlsConfig(server.uri());
        SessionStoreConfig withCertificate = tlsConfig(server.uri());
        withCertificate.setTlsKeyStore(tls().localhostCertificate().keyStore().toString());
        withCertificate.setTlsKeyStorePassword(tls().trustStorePassword());
        withCertificate.validate();

        assertSetGet(connector(withCertificate).client(), "client-cert");
        assertThatThrownBy(() -> connector(withoutCertificate).client().ping()).isInstanceOf(JedisConnectionException.class);
    }

    @Test
    void rejectsUnreadableTrustStoreNamingTheSetting() {
        RedisAssumptions.assumeTls();
        SessionStoreConfig c = tlsConfig("rediss://localhost:6380");
        c.setTlsTrustStorePassword("wrong-store-pw");

        assertThatThrownBy(() -> connector(c).client())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'tlsTrustStore'")
                .hasMessageNotContaining("wrong-store-pw");
    }

    @Test
    void tlsWithoutTrustStoreUsesJvmTrustAndRejectsTestCa() {
        RedisAssumptions.assumeTls();
        RedisServer server = use(RedisServer.builder().tls(tls()).start());

        Throwable t = catchThrowable(() -> connector(config(server.uri())).client().ping());

        assertThat(t).isInstanceOf(JedisConnectionException.class);
        assertThat(everything(t)).contains(SSLHandshakeException.class.getName());
    }

    // ------------------------------------------------------------------ Sentinel

    @Test
    void sentinelClientFollowsFailover() {
        RedisSentinelGroup group = use(RedisSentinelGroup.start());
        SessionStoreConfig c = config(group.uri());
        UnifiedJedis client = connector(c).client();
        int oldMasterPort = group.masterPort();
        for (int i = 0; i < 20; i++) {
            client.set("before-" + i, "v" + i);
        }
        group.awaitReplicated(Duration.ofSeconds(5));

        RedisServer newMaster = group.failover(Duration.ofSeconds(30));
        assertThat(newMaster.port()).isNotEqualTo(oldMasterPort);

        Poll.until(Duration.ofSeconds(20), "the client writes to the new master", () -> {
            try {
                client.set("after", "failover");
            } catch (JedisException e) {
                return false; // reconnecting, or READONLY once the old master became a replica
            }
            // the old master accepts writes until the sentinels demote it: only the new one counts
            return "failover".equals(newMaster.command("GET", "after"));
        });
        for (int i = 0; i < 20; i++) {
            assertThat(client.get("before-" + i)).isEqualTo("v" + i);
        }
    }

    @Test
    void sentinelWithPasswordOnDataNodesOnly() {
        RedisSentinelGroup group = use(RedisSentinelGroup.start("data-pw", false));
        SessionStoreConfig c = config(group.uri() + "/2");
        c.setPassword("data-pw");

        assertSetGet(connector(c).client(), "sentinel-data-pw");
        assertThat(group.master().commands(List.of(new String[]{"SELECT", "2"}, new String[]{"GET", "sentinel-data-pw"})))
                .containsExactly("+OK", "value-of-sentinel-data-pw");
    }

    @Test
    void sentinelWithTheSamePasswordOnSentinels() {
        RedisSentinelGroup group = use(RedisSentinelGroup.start("shared-pw", true));
        SessionStoreConfig c = config(group.uri());
        c.setPassword("shared-pw");

        assertSetGet(connector(c).client(), "sentinel-shared-pw");
        assertThat(String.join("\n", logLines)).doesNotContain("shared-pw");
    }

    @Test
    void tlsSentinelWithPasswordOnDataNodesOnly() {
        RedisAssumptions.assumeTls();
        // asked over TLS whether they want a password, the sentinels answer PONG: none is sent to them
        RedisSentinelGroup group = use(RedisSentinelGroup.startTls(tls(), tls().localhostCertificate(), "data-pw", false));
        SessionStoreConfig c = tlsConfig(group.uri());
        c.setPassword("data-pw");

        assertSetGet(connector(c).client(), "tls-sentinel-data-pw");
        assertThat(group.master().command("GET", "tls-sentinel-data-pw")).isEqualTo("value-of-tls-sentinel-data-pw");
        assertThat(String.join("\n", logLines)).doesNotContain("data-pw");
    }

    // ------------------------------------------------------------------ Cluster

    @Test
    void clusterClientServesKeysInEverySlotRange() {
        RedisClusterGroup cluster = use(RedisClusterGroup.start());
        RedisConnector connector = connector(config(cluster.uri()));
        assertThat(connector.isCluster()).isTrue();
        UnifiedJedis client = connector.client();

        Set<RedisServer> owners = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            String key = "cluster-key-" + i;
            assertSetGet(client, key);
            RedisServer owner = cluster.nodeForSlot(JedisClusterCRC16.getSlot(key));
            assertThat(owner.command("GET", key)).isEqualTo("value-of-" + key);
            owners.add(owner);
        }
        assertThat(owners).hasSize(3);
    }
}
