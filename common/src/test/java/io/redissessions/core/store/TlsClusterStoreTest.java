package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.RedisAssumptions;
import io.redissessions.testing.RedisClusterGroup;
import io.redissessions.testing.TlsMaterial;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store contract on a Redis Cluster over TLS ({@code rediss-cluster://}): three masters that
 * speak TLS only, announce themselves as {@code localhost} and present a certificate for
 * {@code localhost} alone, so every connection, to a seed and to the nodes of the slot map, has
 * its host name verified.
 */
class TlsClusterStoreTest extends SessionStoreContract {

    private static TlsMaterial tls;
    private static RedisClusterGroup cluster;

    @BeforeAll
    static void startCluster() {
        RedisAssumptions.assumeTls();
        tls = TlsMaterial.create();
        cluster = RedisClusterGroup.startTls(tls, tls.issue("dns:localhost"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    private static SessionStoreConfig tlsConfig(String uri) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(uri);
        c.setTlsTrustStore(tls.trustStore().toString());
        c.setTlsTrustStorePassword(tls.trustStorePassword());
        return c;
    }

    @Override
    protected SessionStoreConfig config() {
        assertThat(cluster.uri()).startsWith("rediss-cluster://localhost:");
        return tlsConfig(cluster.uri());
    }

    @Test
    void verifiesTheSeedsHostNameAgainstTheirCertificate() {
        assertThat(store.load(newId())).isNull(); // by the name in the certificate: answered
        // the certificate names localhost only: seeds reached as 127.0.0.1 are refused
        try (RedisSessionStore byAddress = new RedisSessionStore(
                tlsConfig(cluster.uri("rediss-cluster", "127.0.0.1")), namespace, MutableClock.startingNow())) {
            assertThatThrownBy(() -> byAddress.load(newId()))
                    .isInstanceOf(SessionStoreException.class)
                    .hasStackTraceContaining("SSLHandshakeException");
        }
    }
}
