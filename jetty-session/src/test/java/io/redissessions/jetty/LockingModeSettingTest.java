package io.redissessions.jetty;

import io.redissessions.core.ConfigurationException;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What a context does with a lockingMode it cannot honour: a value that is none of the three forms
 * is refused naming the setting, and a context whose session cache cannot lock (Jetty's own cache
 * instead of redis-sessions') refuses to start instead of running its requests unlocked. Locking
 * itself is the container contract's ({@link JettyLockingContractTest}).
 */
class LockingModeSettingTest {

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

    private static ConfigurationException configurationFailure(Throwable failure) {
        Throwable cause = failure;
        while (cause != null && !(cause instanceof ConfigurationException)) {
            cause = cause.getCause() != null ? cause.getCause()
                    : cause.getSuppressed().length > 0 ? cause.getSuppressed()[0] : null;
        }
        assertThat(cause).as("the ConfigurationException behind " + failure).isNotNull();
        return (ConfigurationException) cause;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sometimes", "uriPattern:", "uriPattern:/app/(cart"})
    void aLockingModeOfNoneOfTheThreeFormsIsRefusedNamingTheSetting(String lockingMode) {
        Throwable failure = catchThrowable(() -> JettyNode.builder("bad-locking", redis.uri())
                .store(f -> f.setSetting("lockingMode", lockingMode)).start().close());

        assertThat(configurationFailure(failure).getMessage()).contains("'lockingMode'", "'" + lockingMode + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"all", "uriPattern:/app/cart/.*"})
    void aContextOnJettysOwnSessionCacheRefusesToLockInsteadOfRunningUnlocked(String lockingMode) {
        Throwable failure = catchThrowable(() -> JettyNode.builder("default-cache", redis.uri()).jettyDefaultCache()
                .store(f -> f.setSetting("lockingMode", lockingMode)).start().close());

        assertThat(configurationFailure(failure).getMessage())
                .contains("'lockingMode'", "'" + lockingMode + "'", "session-cache-redis");
    }

    @Test
    void aContextOnTheRedisSessionCacheStartsWithLockingOn() {
        try (JettyNode node = JettyNode.builder("locking", redis.uri())
                .store(f -> f.setSetting("lockingMode", "all")).start()) {
            assertThat(node.store().service().lockingMode().isAll()).isTrue();
        }
    }
}
