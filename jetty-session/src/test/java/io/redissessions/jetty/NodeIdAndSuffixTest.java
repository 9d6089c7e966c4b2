package io.redissessions.jetty;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.SessionState;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Jetty writes to {@code #node}, and session ids with another node's suffix: Jetty stores a
 * session under its cluster id (no {@code .workerName}) and finds it whatever suffix the
 * requested id carries, a Tomcat jvmRoute included.
 */
class NodeIdAndSuffixTest {

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

    @BeforeEach
    void emptyRedis() {
        redis.command("FLUSHALL");
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(JettyNode::close);
    }

    private JettyNode start(JettyNode.Builder b) {
        JettyNode node = b.start();
        nodes.add(node);
        return node;
    }

    private static List<String> sessionKeys() {
        return Arrays.stream(redis.command("KEYS", "rs:*:s:*").split("\n")).filter(k -> !k.isBlank()).toList();
    }

    private static String getWithCookie(JettyNode node, String query, String sessionCookie) {
        return Browser.ok(Browser.getWithSessionId(node, "/s?" + query, sessionCookie));
    }

    @Test
    void nodeIdSetByTheUserWinsOverTheWorkerName() {
        JettyNode a = start(JettyNode.builder("nodeA", redis.uri()).store(s -> s.setNodeId("custom-a")));
        Browser client = Browser.of(a);
        client.body("/s?op=set&name=user&value=alice");

        assertThat(a.store().getNodeId()).isEqualTo("custom-a");
        assertThat(redis.command("HGET", sessionKeys().get(0), "#node")).isEqualTo("custom-a");
    }

    @Test
    void workerNameIsTheNodeIdByDefault() {
        JettyNode a = start(JettyNode.builder("nodeA", redis.uri()));
        Browser client = Browser.of(a);
        client.body("/s?op=set&name=user&value=alice");

        assertThat(a.store().getNodeId()).isEqualTo("nodeA");
        assertThat(redis.command("HGET", sessionKeys().get(0), "#node")).isEqualTo("nodeA");
    }

    @Test
    void sessionIsStoredUnderItsClusterIdAndFoundWithAnySuffix() {
        JettyNode a = start(JettyNode.builder("nodeA", redis.uri()));
        JettyNode b = start(JettyNode.builder("nodeB", redis.uri()));
        Browser client = Browser.of(a, b);
        client.body(a, "/s?op=set&name=user&value=alice");
        String clusterId = client.clusterId();
        assertThat(sessionKeys()).singleElement().asString().endsWith(":s:" + clusterId);

        // as a Tomcat node with jvmRoute "t1" hands it out
        assertThat(getWithCookie(b, "op=get&name=user", clusterId + ".t1")).isEqualTo("alice");
        getWithCookie(b, "op=set&name=user&value=bob", clusterId + ".t1");
        assertThat(client.body(a, "/s?op=get&name=user")).isEqualTo("bob");
        assertThat(sessionKeys()).singleElement().asString().endsWith(":s:" + clusterId);
    }

    @Test
    void sessionWrittenUnderAClusterIdByAnotherContainerIsFound() {
        JettyNode a = start(JettyNode.builder("nodeA", redis.uri()));
        String tomcatClusterId = "4F2A9C" + Long.toHexString(System.nanoTime()).toUpperCase();
        SessionStoreConfig config = new SessionStoreConfig();
        config.setUri(redis.uri());
        config.setNodeId("t1");
        try (RedisSessionStore store = new RedisSessionStore(config, "app", Clock.systemUTC())) {
            SessionState state = store.newSession(tomcatClusterId, 600);
            state.setAttribute("user", "dora");
            state.save();
        }
        assertThat(getWithCookie(a, "op=get&name=user", tomcatClusterId + ".t1")).isEqualTo("dora");
    }
}
