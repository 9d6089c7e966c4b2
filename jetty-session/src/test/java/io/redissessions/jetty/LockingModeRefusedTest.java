package io.redissessions.jetty;

import io.redissessions.core.ConfigurationException;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Jetty does not lock sessions (lockingMode is honoured by the Tomcat valve only): a context set
 * to lock refuses to start, naming the setting, instead of running its requests unlocked.
 */
class LockingModeRefusedTest {

    static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"all", "uriPattern:/app/cart/.*"})
    void aContextSetToLockRefusesToStartNamingTheSetting(String lockingMode) {
        Throwable failure = catchThrowable(() -> JettyNode.builder("locking", redis.uri())
                .store(f -> f.setSetting("lockingMode", lockingMode)).start().close());

        assertThat(failure).isNotNull();
        Throwable cause = failure;
        while (cause != null && !(cause instanceof ConfigurationException)) {
            cause = cause.getCause() != null ? cause.getCause()
                    : cause.getSuppressed().length > 0 ? cause.getSuppressed()[0] : null;
        }
        assertThat(cause).as("the ConfigurationException behind " + failure).isNotNull();
        assertThat(cause.getMessage()).contains("'lockingMode'", "'" + lockingMode + "'", "only the Tomcat valve");
    }
}
