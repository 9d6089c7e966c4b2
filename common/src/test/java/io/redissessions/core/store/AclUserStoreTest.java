package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract as an ACL user on a password-protected Redis, with the credentials given as
 * settings (not in the URI), as an operator keeping secrets out of the URI would.
 */
class AclUserStoreTest extends SessionStoreContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.builder().password("default-secret").aclUser("sessions", "s3ss!ons").start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected SessionStoreConfig config() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri("redis://127.0.0.1:" + redis.port() + "/2");
        c.setUser("sessions");
        c.setPassword("s3ss!ons");
        return c;
    }
}
