package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
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
    /**
     * A big session is removed with UNLINK, which frees its memory in a background thread: DEL
     * of a hash of thousands of fields blocks Redis for every client while it frees them. Both
     * ways a session is deleted: invalidation, and the end of a claim after expiry.
     */
    @Test
    void bigSessionsAreDeletedWithUnlinkOnInvalidationAndAfterExpiry() {
        Map<String, Object> many = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            many.put("attribute-" + i, "value " + i);
        }
        String invalidated = newId();
        String expired = newId();
        createSaved(invalidated, 600, many);
        createSaved(expired, 1, many);
        store.delete(newId()); // the server learns the scripts before counting starts
        awaitExpiredInRedis(List.of(expired));
        List<Claim> claims = store.claimExpired(10);
        assertThat(ids(claims)).containsExactly(expired);

        CommandStats before = CommandStats.read(redis);
        assertThat(store.delete(invalidated)).isTrue();
        CommandStats afterDelete = CommandStats.read(redis);
        assertThat(store.finishClaim(claims.get(0))).isTrue();
        CommandStats afterFinish = CommandStats.read(redis);

        assertThat(afterDelete.minus(before)).containsEntry("unlink", 1L).doesNotContainKey("del");
        assertThat(afterFinish.minus(afterDelete)).containsEntry("unlink", 1L).doesNotContainKey("del");
        assertThat(raw().exists(store.keys().sessionKey(invalidated))).isFalse();
        assertThat(raw().exists(store.keys().sessionKey(expired))).isFalse();
    }
}
