package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.RecordingLog;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads and existence checks only read: they run as EVALSHA_RO, which Redis serves while writes
 * are paused (a failover in progress, {@code CLIENT PAUSE WRITE}); on a Redis without it (before
 * 7.0) the store falls back to EVALSHA once and stays there.
 */
class ReadOnlyScriptsTest {

    private static final ClassLoader LOADER = ReadOnlyScriptsTest.class.getClassLoader();

    private static RedisSessionStore store(RedisServer redis, RecordingLog log) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        return new RedisSessionStore(c, new io.redissessions.core.connection.RedisConnector(c), "ro",
                MutableClock.startingNow(), log);
    }

    @Test
    void aLoadIsServedWhileWritesArePaused() {
        try (RedisServer redis = RedisServer.startStandalone();
             RedisSessionStore store = store(redis, new RecordingLog())) {
            SessionState s = store.newSession("ro-1", 600);
            s.setAttribute("user", "alice");
            s.save();
            redis.command("CLIENT", "PAUSE", "20000", "WRITE");
            try {
                assertThat(store.open("ro-1").getAttribute("user", LOADER)).isEqualTo("alice");
                assertThat(store.exists("ro-1")).isTrue();
            } finally {
                redis.command("CLIENT", "UNPAUSE");
            }
        }
    }

    @Test
    void aRedisWithoutReadOnlyScriptsGetsPlainEvalshaAfterOneRefusal() {
        // a config file line each; the builder keeps one value per directive, so both in one value
        try (RedisServer redis = RedisServer.builder()
                .set("rename-command", "EVALSHA_RO \"\"\nrename-command EVAL_RO \"\"").start()) {
            RecordingLog log = new RecordingLog();
            try (RedisSessionStore store = store(redis, log)) {
                SessionState s = store.newSession("ro-2", 600);
                s.setAttribute("user", "bob");
                s.save();
                CommandStats before = CommandStats.read(redis);
                assertThat(store.open("ro-2").getAttribute("user", LOADER)).isEqualTo("bob");
                assertThat(store.open("ro-2")).isNotNull();
                assertThat(CommandStats.read(redis).minus(before)).containsEntry("evalsha", 2L)
                        .doesNotContainKey("evalsha_ro");
                assertThat(log.count("INFO", "has no EVALSHA_RO")).isEqualTo(1);
            }
        }
    }
}
