package io.redissessions.testing;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisAssumptionsTest {

    @Test
    void passesWhenTheBinarySupportsTls() {
        assertThatCode(() -> RedisAssumptions.assumeTls(true, Map.of("CI", "true")::get)).doesNotThrowAnyException();
    }

    @Test
    void skipsWithTheFixWhenTlsIsMissingOutsideCi() {
        assertThatThrownBy(() -> RedisAssumptions.assumeTls(false, Map.<String, String>of()::get))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("apt-get install redis-server")
                .hasMessageContaining("$REDIS_SERVER");
    }

    @Test
    void failsInsteadOfSkippingUnderCi() {
        assertThatThrownBy(() -> RedisAssumptions.assumeTls(false, Map.of("CI", "true")::get))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("apt-get install redis-server")
                .hasMessageContaining("CI=true");
    }
}
