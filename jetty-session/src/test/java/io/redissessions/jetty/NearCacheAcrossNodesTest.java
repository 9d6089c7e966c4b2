package io.redissessions.jetty;

import io.redissessions.core.store.StoreMetrics;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.jetty.testing.RotatingClient;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** nearCache=on on two Jetty nodes: an unchanged session is answered "unchanged", a changed one is never served stale. */
class NearCacheAcrossNodesTest {

    private static RedisServer redis;
    private final List<JettyNode> nodes = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(JettyNode::close);
    }

    private JettyNode start(String name) {
        JettyNode node = JettyNode.builder(name, redis.uri()).store(f -> f.setSetting("nearCache", "on")).start();
        nodes.add(node);
        return node;
    }

    @Test
    void aNodeServesItsCopyOnlyWhileNoOtherNodeChangedTheSession() {
        JettyNode a = start("a");
        JettyNode b = start("b");
        RotatingClient client = new RotatingClient(List.of(a, b));
        client.ok(a, "op=set&name=user&value=alice");
        StoreMetrics onA = a.store().metrics();

        long hits = onA.getNearCacheHits();
        assertThat(client.ok(a, "op=get&name=user")).isEqualTo("alice");
        assertThat(client.ok(a, "op=get&name=user")).isEqualTo("alice");
        assertThat(onA.getNearCacheHits() - hits).as("loads answered 'unchanged'").isEqualTo(2);

        client.ok(b, "op=set&name=user&value=bob");
        hits = onA.getNearCacheHits();
        assertThat(client.ok(a, "op=get&name=user")).as("b's write, never a's old copy").isEqualTo("bob");
        assertThat(onA.getNearCacheHits()).isEqualTo(hits);
        assertThat(client.ok(a, "op=get&name=user")).isEqualTo("bob");
        assertThat(onA.getNearCacheHits()).isEqualTo(hits + 1);
    }
}
