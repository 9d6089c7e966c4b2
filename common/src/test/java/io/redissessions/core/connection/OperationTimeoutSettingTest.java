package io.redissessions.core.connection;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operationTimeoutMillis setting: its default, derived from the other timeouts, and its checks. */
class OperationTimeoutSettingTest {

    private static SessionStoreConfig config() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setEnvironment(Map.<String, String>of()::get);
        return c;
    }

    @Test
    void defaultsToOneWholeAttempt() {
        SessionStoreConfig c = config();
        assertThat(c.getOperationTimeoutMillis()).isZero();
        // max(poolMaxWait 2000, connect 2000 + socket 2000) + socket 2000
        assertThat(c.effectiveOperationTimeoutMillis()).isEqualTo(6000);

        c.setPoolMaxWaitMillis(9000);
        c.setSocketTimeoutMillis(500);
        assertThat(c.effectiveOperationTimeoutMillis()).isEqualTo(9500);
        try (RedisConnector connector = new RedisConnector(c)) {
            assertThat(connector.operationTimeoutMillis()).isEqualTo(9500);
        }
    }

    @Test
    void takesAnExplicitBoundLargerThanTheWaitForAConnection() {
        SessionStoreConfig c = config();
        c.setOperationTimeoutMillis(4001);
        assertThatCode(c::validate).doesNotThrowAnyException();
        assertThat(c.effectiveOperationTimeoutMillis()).isEqualTo(4001);
        assertThat(c.describe()).containsEntry("operationTimeoutMillis", "4001");
    }

    @Test
    void refusesABoundThatLeavesNoRoomForAConnection() {
        SessionStoreConfig c = config();
        c.setOperationTimeoutMillis(4000); // connect 2000 + socket 2000: nothing left for the reply

        assertThatThrownBy(c::validate)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'operationTimeoutMillis'")
                .hasMessageContaining("'4000'")
                .hasMessageContaining("= 4000")
                .satisfies(e -> assertThat(((ConfigurationException) e).setting()).isEqualTo("operationTimeoutMillis"));
        c.setOperationTimeoutMillis(-1);
        assertThatThrownBy(c::validate).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'operationTimeoutMillis'");
    }

    @Test
    void leavesRoomForTheReplicasWaitWhenSavesWaitForReplicas() {
        SessionStoreConfig c = config();
        c.setSaveReplicas(1);
        c.setSaveReplicasTimeoutMillis(1500);
        assertThat(c.effectiveOperationTimeoutMillis()).as("6000 + the replicas' wait").isEqualTo(7500);

        c.setOperationTimeoutMillis(5500); // 4000 for a connection + 1500 for the replicas: nothing for the reply
        assertThatThrownBy(c::validate)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'operationTimeoutMillis'")
                .hasMessageContaining("saveReplicasTimeoutMillis (saveReplicas=1) = 5500");
        c.setOperationTimeoutMillis(5501);
        assertThatCode(c::validate).doesNotThrowAnyException();
    }
}
