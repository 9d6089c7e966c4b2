package io.redissessions.tomcat;

import io.redissessions.testing.RedisServer;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.EventLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * For the Tomcat-only tests (the container contract covers what both containers share): a real
 * redis-server per test class, a fresh namespace and event log per test, nodes stopped after
 * each test.
 */
abstract class NodesTestBase {

    static RedisServer redis;

    protected String namespace;
    private Path eventsDir;
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
    void freshNamespace() throws IOException {
        namespace = "t" + UUID.randomUUID().toString().substring(0, 8);
        eventsDir = Files.createTempDirectory("tomcat-events");
    }

    @AfterEach
    void stopNodes() {
        for (TomcatNode n : nodes) {
            n.close();
        }
        nodes.clear();
        TestFiles.deleteRecursively(eventsDir);
    }

    /** A node of this test's namespace on the class's Redis, logging to the test's event log. */
    protected TomcatNode.Builder node(String name) {
        return TomcatNode.builder(name, redis.uri(), namespace).eventsFile(eventsDir.resolve(name + ".log"));
    }

    /** The session events of every node this test started. */
    protected EventLog events() {
        try (Stream<Path> files = Files.list(eventsDir)) {
            return new EventLog(files.toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    protected TomcatNode started(TomcatNode node) {
        nodes.add(node);
        return node;
    }

    protected TomcatNode start(String name) {
        return started(node(name).start());
    }
}
