package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.testing.RedisAssumptions;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.TlsMaterial;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract over TLS (rediss://localhost, host name verified against the certificate). */
class TlsStoreTest extends SessionStoreContract {

    private static TlsMaterial tls;
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        RedisAssumptions.assumeTls();
        tls = TlsMaterial.create();
        redis = RedisServer.builder().tls(tls).start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    @Override
    protected SessionStoreConfig config() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        c.setTlsTrustStore(tls.trustStore().toString());
        c.setTlsTrustStorePassword(tls.trustStorePassword());
        return c;
    }
}
