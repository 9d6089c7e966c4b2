package io.redissessions.it.jetty;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.EventLog;
import io.redissessions.testing.web.TestWebapp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real jetty-home distribution from Maven Central with the redis-sessions overlay, two server
 * processes with distinct worker names, a browser that alternates between them (a non-sticky
 * balancer). The webapp is the tests' one ({@link TestWebapp}). Before it asserts "exactly once",
 * a test waits until the stores of both nodes have completed expiry passes (each logs one DEBUG
 * line per pass, counted as its {@code expiryPasses}), never for a time.
 */
class JettyHomeDistributionIT {

    private static final Path HOME = Path.of(System.getProperty("jetty.home.dir"));
    private static final Path OVERLAY = Path.of(System.getProperty("jetty.overlay.dir"));
    private static final Path WORK = Path.of(System.getProperty("jetty.work.dir"));

    private static RedisServer redis;
    private static final List<JettyHomeNode> nodes = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        redis = RedisServer.startStandalone();
        Path webapp = JettyHomeNode.webapp(WORK.resolve("webapp"));
        for (String name : List.of("nodeA", "nodeB")) {
            JettyHomeNode node = JettyHomeNode.create(name, HOME, OVERLAY, WORK, webapp, RedisServer.freePort(),
                    Map.of("uri", redis.uri(), "allowedClasses", TestWebapp.ALLOWED_CLASSES,
                            "socketTimeoutMillis", "1500", "touchIntervalFraction", "0.2"),
                    Map.of("jetty.sessionIdManager.workerName", name, "jetty.sessionScavengeInterval.seconds", "1"));
            nodes.add(node);
        }
        for (JettyHomeNode node : nodes) {
            node.start(Map.of("REDIS_SESSIONS_TEST_EVENTS", events(node).toString(),
                    "REDIS_SESSIONS_TEST_NODE", node.name()));
        }
    }

    @AfterAll
    static void stopCluster() {
        nodes.forEach(JettyHomeNode::close);
        if (redis != null) {
            redis.close();
        }
        TestFiles.deleteRecursively(WORK.resolve("webapp"));
    }

    private static Path events(JettyHomeNode node) {
        return node.base().resolve("events.log");
    }

    private static EventLog events() {
        return new EventLog(nodes.stream().map(JettyHomeDistributionIT::events).toList());
    }

    /** Waits until every node has completed an expiry pass (a scavenge) that began after this call. */
    private static void awaitScavengesOfEveryNode() {
        nodes.forEach(n -> n.awaitScavenges(1));
    }

    @Test
    void sessionIsSharedByBothProcesses() {
        Browser browser = new Browser(nodes);
        browser.body("/s?op=set&name=user&value=alice");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
    }

    @Test
    void webappObjectChangedInPlaceIsSavedOnEveryNode() {
        Browser browser = new Browser(nodes);
        for (String item : List.of("apple", "pear", "plum")) {
            browser.body("/s?op=basket-add&value=" + item);
        }
        assertThat(browser.body("/s?op=basket")).isEqualTo("[apple, pear, plum] loader=webapp");
        assertThat(browser.body("/s?op=basket")).isEqualTo("[apple, pear, plum] loader=webapp");
    }

    @Test
    void invalidationIsSeenByBothProcessesAndDestroysOnce() {
        Browser browser = new Browser(nodes);
        browser.body(0, "/s?op=set&name=user&value=alice");
        String id = browser.clusterId();
        browser.body(1, "/s?op=invalidate");
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("no-session");

        awaitScavengesOfEveryNode();

        assertThat(events().destroyed(id)).singleElement()
                .satisfies(e -> assertThat(e.node()).isEqualTo("nodeB"))
                .satisfies(e -> assertThat(e.detail()).isEqualTo("{user=alice}"));
    }

    @Test
    void expiredSessionIsDestroyedExactlyOnceAcrossProcesses() {
        Browser browser = new Browser(nodes);
        browser.body(0, "/s?op=set&name=user&value=bob");
        browser.body(1, "/s?op=setMaxInactive&value=1");
        String id = browser.clusterId();

        Poll.until(Duration.ofSeconds(30), "a node destroys the expired session", () -> !events().destroyed(id).isEmpty());
        awaitScavengesOfEveryNode();

        assertThat(events().destroyed(id)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("{user=bob}"));
    }

    @Test
    void storeJarsAreHiddenFromTheWebapp() {
        Browser browser = new Browser(nodes);
        for (String name : List.of("redis.clients.jedis.UnifiedJedis", "com.fasterxml.jackson.databind.ObjectMapper",
                "io.redissessions.core.store.RedisSessionStore", "io.redissessions.jetty.RedisSessionDataStore",
                "org.apache.commons.pool2.ObjectPool")) {
            assertThat(browser.body("/s?op=visible&name=" + name)).as(name).isEqualTo("hidden");
        }
    }

    @Test
    void moduleIsEnabledWithItsCacheAndListsEveryProperty() throws IOException {
        String ini = Files.readString(nodes.get(0).base().resolve("start.d/session-store-redis.ini"));
        for (String setting : List.of("uri", "user", "password", "namespace", "allowedClasses", "codec", "failureMode",
                "connectTimeoutMillis", "socketTimeoutMillis", "poolMaxTotal", "poolMaxWaitMillis",
                "touchIntervalFraction", "expiryGraceSeconds", "keyPrefix", "nodeId", "clientName",
                "compressionThresholdBytes", "signingKey", "tlsTrustStore", "tlsTrustStorePassword", "tlsKeyStore",
                "tlsKeyStorePassword")) {
            assertThat(ini).as(setting).contains("jetty.session.redis." + setting + "=");
        }
        assertThat(Files.exists(nodes.get(0).base().resolve("start.d/session-cache-redis.ini"))).isTrue();
        String log = Files.readString(nodes.get(0).log());
        assertThat(log).contains("keeps its sessions in Redis", "nodeId=nodeA", "socketTimeoutMillis=1500",
                "touchIntervalFraction=0.2").doesNotContain("Exception");
    }
}
