package io.redissessions.tomcat;

import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A real redis-server per test class, a fresh namespace per test, nodes stopped after each test. */
abstract class NodesTestBase {

    static RedisServer redis;

    protected String namespace;
    private final List<TomcatNode> nodes = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void freshNamespace() {
        namespace = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stopNodes() {
        for (TomcatNode n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                // already stopped by the test
            }
        }
        nodes.clear();
    }

    protected TomcatNode.Builder node(String name) {
        return TomcatNode.builder(name, redis.uri(), namespace);
    }

    protected TomcatNode started(TomcatNode node) {
        nodes.add(node);
        return node;
    }

    protected TomcatNode start(String name) {
        return started(node(name).start());
    }
}
