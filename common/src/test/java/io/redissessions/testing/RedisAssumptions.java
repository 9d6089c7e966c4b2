package io.redissessions.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.util.function.Function;

/**
 * JUnit 5 guards for tests that need a capability of the redis-server binary. Outside CI a
 * missing capability skips the test with a reason that says how to fix it; with {@code CI=true}
 * the test fails instead, because nothing may be skipped in CI.
 */
public final class RedisAssumptions {

    private RedisAssumptions() {
    }

    /** The test needs a redis-server built with TLS. */
    public static void assumeTls() {
        assumeTls(RedisBinary.supportsTls(), System::getenv);
    }

    static void assumeTls(boolean supported, Function<String, String> env) {
        if (supported) {
            return;
        }
        String why = "redis-server " + RedisBinary.redisServer() + " (from " + RedisBinary.source()
                + ") has no TLS support; install redis-server from Debian (apt-get install redis-server) "
                + "or set $REDIS_SERVER to a redis-server built with TLS";
        require(false, why, env);
    }

    /** Skips (or under {@code CI=true} fails) with the reason unless the condition holds. */
    public static void require(boolean condition, String reason, Function<String, String> env) {
        if (condition) {
            return;
        }
        if ("true".equalsIgnoreCase(env.apply("CI"))) {
            Assertions.fail(reason + " [CI=true: tests may not be skipped]");
        }
        Assumptions.assumeTrue(false, reason);
    }
}
