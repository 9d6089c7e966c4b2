package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Redis going away and coming back: typed errors without secrets, bounded waits, recovery without a new store. */
class RedisOutageStoreTest {

    private RedisServer redis;
    private RedisSessionStore store;

    @AfterEach
    void tearDown() {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private RedisSessionStore storeFor(int port) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri("redis://:hunter2-secret@127.0.0.1:" + port);
        c.setConnectTimeoutMillis(500);
        c.setSocketTimeoutMillis(500);
        return new RedisSessionStore(c, "outage", MutableClock.startingNow());
    }

    @Test
    void storeCreatedWhileRedisIsDownWorksOnceRedisIsUp() {
        int port = RedisServer.freePort();
        store = storeFor(port);
        assertThatThrownBy(() -> store.load("abc"))
                .isInstanceOf(SessionStoreException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageNotContaining("hunter2");
        assertThat(store.ping()).isFalse();

        redis = RedisServer.builder().port(port).password("hunter2-secret").start();
        SessionState s = store.newSession("abc", 60);
        s.setAttribute("k", "v");
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        assertThat(store.open("abc").getAttribute("k", getClass().getClassLoader())).isEqualTo("v");
    }

    @Test
    void redisLostMidTrafficFailsFastAndRecoversWithoutRestart() {
        redis = RedisServer.builder().password("hunter2-secret").start();
        store = storeFor(redis.port());
        SessionState s = store.newSession("abc", 60);
        s.setAttribute("k", "v");
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);

        redis.kill();
        long errorsBefore = store.metrics().getRedisErrors();
        assertThatThrownBy(() -> store.open("abc"))
                .isInstanceOf(SessionStoreException.class)
                .hasMessageNotContaining("hunter2");
        assertThat(store.metrics().getRedisErrors()).isGreaterThan(errorsBefore);

        redis.start(); // same port; the data is gone (no persistence), the connection pool recovers
        Poll.until(Duration.ofSeconds(10), "store answers again", store::ping);
        SessionState again = store.newSession("abc", 60);
        again.setAttribute("k", "v2");
        assertThat(again.save()).isEqualTo(SaveResult.SAVED);
        assertThat(store.open("abc").getAttribute("k", getClass().getClassLoader())).isEqualTo("v2");
    }
}
