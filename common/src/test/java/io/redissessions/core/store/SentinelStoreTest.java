package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisSentinelGroup;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract through Sentinel, and a real failover in the middle of a test. */
class SentinelStoreTest extends SessionStoreContract {

    private static RedisSentinelGroup sentinel;

    @BeforeAll
    static void startSentinel() {
        sentinel = RedisSentinelGroup.start();
    }

    @AfterAll
    static void stopSentinel() {
        sentinel.close();
    }

    @Override
    protected SessionStoreConfig config() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(sentinel.uri());
        c.setSocketTimeoutMillis(1000);
        return c;
    }

    @Test
    void storeFollowsFailoverAndReadsWhatWasReplicated() {
        String id = newId();
        createSaved(id, 600, Map.of("before", "failover"));
        sentinel.awaitReplicated(Duration.ofSeconds(10));
        int oldMasterPort = sentinel.masterPort();

        RedisServer newMaster = sentinel.failover(Duration.ofSeconds(60));
        assertThat(newMaster.port()).isNotEqualTo(oldMasterPort);

        // the client learns of the new master from the sentinels; until then calls may fail
        Poll.until(Duration.ofSeconds(30), "store reads the session from the new master", () -> {
            try {
                SessionState s = store.open(id);
                return s != null && "failover".equals(s.getAttribute("before", loader()));
            } catch (SessionStoreException e) {
                return false;
            }
        });
        Poll.until(Duration.ofSeconds(30), "store writes to the new master", () -> {
            try {
                SessionState s = store.open(id);
                s.setAttribute("after", "failover");
                return s.save() == SaveResult.SAVED;
            } catch (SessionStoreException e) {
                return false;
            }
        });
        assertThat(newMaster.command("HEXISTS", store.keys().sessionKey(id), "a:after")).isEqualTo(":1");
    }
}
