package io.redissessions.demo;

import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The page's tiny Redis client against a real redis-server with a password. */
class RespClientTest {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.builder().password("demo-secret").start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void pipelinedRepliesOfEveryTypeComeBackInOrder() throws IOException {
        RespClient client = new RespClient("127.0.0.1", redis.port(), "demo-secret", 2000);
        List<Object> r = client.send(List.of(
                new String[] {"HSET", "rs:{demo:01}:s:X", "#node", "tomcat-1 ü", "#v", "3"},
                new String[] {"PEXPIRE", "rs:{demo:01}:s:X", "60000"},
                new String[] {"PTTL", "rs:{demo:01}:s:X"},
                new String[] {"HMGET", "rs:{demo:01}:s:X", "#node", "#v", "#missing"},
                new String[] {"PTTL", "rs:{demo:01}:s:none"},
                new String[] {"PING"},
                new String[] {"NOSUCHCOMMAND"}));

        assertThat(r.get(0)).isEqualTo(2L);
        assertThat(r.get(1)).isEqualTo(1L);
        assertThat((Long) r.get(2)).isBetween(1L, 60_000L);
        assertThat(r.get(3)).isEqualTo(java.util.Arrays.asList("tomcat-1 ü", "3", null));
        assertThat(r.get(4)).isEqualTo(-2L);
        assertThat(r.get(5)).isEqualTo("PONG");
        assertThat(r.get(6)).isInstanceOf(RespClient.Error.class);
    }

    @Test
    void wrongPasswordIsAnError() {
        RespClient client = new RespClient("127.0.0.1", redis.port(), "wrong", 2000);
        assertThatThrownBy(() -> client.send(List.<String[]>of(new String[] {"PING"})))
                .isInstanceOf(IOException.class).hasMessageContaining("AUTH failed");
    }

    @Test
    void silentServerTimesOutInsteadOfHanging() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            RespClient client = new RespClient("127.0.0.1", silent.getLocalPort(), null, 300);
            assertThatThrownBy(() -> client.send(List.<String[]>of(new String[] {"PING"})))
                    .isInstanceOf(IOException.class);
        }
    }
}
