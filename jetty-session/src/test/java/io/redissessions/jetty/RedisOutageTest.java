package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * failureMode=local with Redis down: node-local sessions, counted over JMX, written to Redis once
 * it is back. failureMode=fail is the container contract's ({@link JettyRedisOutageContractTest},
 * {@link JettyFailureReplyContractTest}).
 */
class RedisOutageTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private JettyNode node(String name, RedisServer redis, String failureMode) {
        JettyNode n = JettyNode.builder(name, redis.uri()).store(f -> {
            f.setFailureMode(failureMode);
            f.setSocketTimeoutMillis(500);
            f.setConnectTimeoutMillis(500);
        }).start();
        resources.add(n);
        return n;
    }

    @Test
    void failureModeLocalServesNodeLocalSessionsWhileRedisIsDown() {
        // appendonly: data survives a restart, as on a production Redis
        RedisServer redis = RedisServer.builder().set("appendonly", "yes").start();
        resources.add(redis);
        JettyNode a = node("nodeA", redis, "local");
        JettyNode b = node("nodeB", redis, "local");
        Browser client = Browser.of(a, b);
        client.body(a, "/s?op=set&name=user&value=alice");

        redis.stop();
        Browser another = Browser.of(a);
        assertThat(another.body(a, "/s?op=incr&name=n")).isEqualTo("1");
        assertThat(another.body(a, "/s?op=incr&name=n")).isEqualTo("2");
        assertThat(a.store().getLocalFallbacks()).isPositive();

        redis.start();
        Poll.until(Duration.ofSeconds(10), "Redis again", () -> another.get(a, "/s?op=incr&name=n").status() == 200);
        // the session made during the outage was written to Redis: another node sees it
        assertThat(another.body(b, "/s?op=get&name=n")).isEqualTo("3");
        assertThat(client.body(b, "/s?op=get&name=user")).isEqualTo("alice");
    }
}
