package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.RedisAssumptions;
import io.redissessions.testing.RedisSentinelGroup;
import io.redissessions.testing.TlsMaterial;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store contract through Sentinel over TLS ({@code rediss-sentinel://}): the sentinels and
 * the data nodes speak TLS only and present a certificate for {@code localhost} alone, so every
 * connection, to a sentinel and to the master the sentinels name, has its host name verified.
 */
class TlsSentinelStoreTest extends SessionStoreContract {

    private static TlsMaterial tls;
    private static RedisSentinelGroup sentinel;

    @BeforeAll
    static void startSentinel() {
        RedisAssumptions.assumeTls();
        tls = TlsMaterial.create();
        sentinel = RedisSentinelGroup.startTls(tls, tls.issue("dns:localhost"));
    }

    @AfterAll
    static void stopSentinel() {
        if (sentinel != null) {
            sentinel.close();
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
        assertThat(sentinel.uri()).startsWith("rediss-sentinel://localhost:");
        return tlsConfig(sentinel.uri());
    }

    @Test
    void verifiesTheSentinelsHostNameAgainstTheirCertificate() {
        assertThat(store.load(newId())).isNull(); // by the name in the certificate: answered
        // the certificate names localhost only: the same sentinels reached as 127.0.0.1 fail the
        // handshake (the sentinel client only logs why, and then finds all sentinels down)
        try (RedisSessionStore byAddress = new RedisSessionStore(
                tlsConfig(sentinel.uri("rediss-sentinel", "127.0.0.1")), namespace, MutableClock.startingNow())) {
            assertThatThrownBy(() -> byAddress.load(newId()))
                    .isInstanceOf(SessionStoreException.class)
                    .hasMessageContaining("All sentinels down");
        }
    }
}
