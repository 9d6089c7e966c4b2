package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on a standalone Redis over TCP, plus command counts read from the server. */
class StandaloneStoreTest extends SessionStoreContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected SessionStoreConfig config() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        return c;
    }

    @Test
    void serverSeesOneCommandForLoadAndOneForChangedSaveAndNoneForUnchanged() {
        String id = newId();
        store.load(id); // the server learns the load script (NOSCRIPT, then EVAL) before counting starts
        createSaved(id, 600, Map.of("a", "x"));
        CommandStats before = CommandStats.read(redis);
        SessionState s = store.open(id);
        CommandStats afterLoad = CommandStats.read(redis);
        s.getAttribute("a", getClass().getClassLoader());
        s.save();
        CommandStats afterUnchanged = CommandStats.read(redis);
        s.setAttribute("a", "y");
        s.save();
        CommandStats afterChanged = CommandStats.read(redis);

        // one script: Redis's clock and the hash (Redis counts what a script runs inside itself too)
        assertThat(afterLoad.minus(before)).isEqualTo(Map.of("evalsha_ro", 1L, "time", 1L, "hgetall", 1L));
        assertThat(afterUnchanged.minus(afterLoad)).isEmpty();
        // Redis also counts the commands a script runs inside itself; the client sent one EVALSHA
        assertThat(afterChanged.minus(afterUnchanged)).containsEntry("evalsha", 1L)
                .doesNotContainKeys("eval", "hgetall", "multi", "exec")
                .containsKeys("hset", "pexpireat", "zadd");
    }
}
