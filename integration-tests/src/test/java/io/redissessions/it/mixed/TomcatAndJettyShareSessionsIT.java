package io.redissessions.it.mixed;

import io.redissessions.it.jetty.JettyHomeNode;
import io.redissessions.it.tomcat.TomcatNode;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.EventLog;
import io.redissessions.testing.web.TestWebapp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One real Tomcat 11 process (jvmRoute "tomcat1") and one real jetty-home process (workerName
 * "jetty1"), installed from the distributions as docs/tomcat.md and docs/jetty.md say, both with
 * namespace "mixed", the JSON codec and the same webapp (a servlet, a listener and a class of its
 * own kept in the session). A client alternates its requests between them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TomcatAndJettyShareSessionsIT {

    private static final String ALLOWED = TestWebapp.ALLOWED_CLASSES;

    private RedisServer redis;
    private TomcatNode tomcat;
    private JettyHomeNode jetty;

    private static Path property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run through Maven (failsafe)");
        }
        return Path.of(value);
    }

    @BeforeAll
    void startNodes() throws Exception {
        Path work = property("mixed.work");
        redis = RedisServer.startStandalone();
        Path webapp = JettyHomeNode.webapp(work.resolve("webapp"));

        tomcat = TomcatNode.install("tomcat1", property("tomcat11.home"), work, property("tomcat.allJar"), webapp,
                "<Manager className=\"io.redissessions.tomcat.RedisSessionManager\" uri=\"" + redis.uri() + "/0\""
                        + " namespace=\"mixed\" codec=\"json\" allowedClasses=\"" + ALLOWED + "\" nodeId=\"tomcat1\"/>");
        jetty = JettyHomeNode.create("jetty1", property("jetty.home.dir"), property("jetty.overlay.dir"), work, webapp,
                RedisServer.freePort(),
                Map.of("uri", redis.uri() + "/0", "namespace", "mixed", "codec", "json", "allowedClasses", ALLOWED),
                Map.of("jetty.sessionIdManager.workerName", "jetty1", "jetty.sessionScavengeInterval.seconds", "1"));
        CompletableFuture<TomcatNode> t = CompletableFuture.supplyAsync(tomcat::start);
        jetty.start(Map.of("REDIS_SESSIONS_TEST_EVENTS", jettyEvents().toString(), "REDIS_SESSIONS_TEST_NODE", "jetty1"));
        t.get();
    }

    @AfterAll
    void stopNodes() {
        if (tomcat != null) {
            tomcat.stop();
        }
        if (jetty != null) {
            jetty.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private Path jettyEvents() {
        return jetty.base().resolve("events.log");
    }

    // ------------------------------------------------------------------ helpers

    /** The cluster id: the session id without a node suffix (.jvmRoute or .workerName). */
    private static String clusterId(String id) {
        return Browser.clusterId(id);
    }

    /** sessionDestroyed calls of both nodes for this session. */
    private List<EventLog.Event> destroyed(String clusterId) {
        return new EventLog(List.of(tomcat.eventsFile(), jettyEvents())).destroyed(clusterId);
    }

    private List<String> sessionKeys(String clusterId) {
        return Arrays.stream(redis.command("KEYS", "rs:{mixed:*}:s:" + clusterId).split("\n"))
                .filter(k -> !k.isBlank()).toList();
    }

    private String key(String clusterId) {
        assertThat(sessionKeys(clusterId)).as("the session's keys").hasSize(1);
        return sessionKeys(clusterId).get(0);
    }

    private boolean inAnyExpiryIndex(String clusterId) {
        for (int shard = 0; shard < 16; shard++) {
            String score = redis.command("ZSCORE", String.format("rs:{mixed:%02d}:expiry", shard), clusterId);
            if (score != null && !score.isBlank() && !score.startsWith("$-1")) {
                return true;
            }
        }
        return false;
    }

    /** A browser behind a balancer: one cookie jar for both nodes (same host, same path /app). */
    private final class Client {
        private final Browser browser = Browser.of(tomcat, jetty);

        String onTomcat(String query) {
            return browser.body(tomcat, "/s?" + query);
        }

        String onJetty(String query) {
            return browser.body(jetty, "/s?" + query);
        }

        /** The JSESSIONID cookie as the browser holds it (with the suffix of the node that set it). */
        String cookie() {
            return browser.sessionId().orElseThrow();
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void bothNodesRunTheirOwnContainerWithTheRedisStore() throws IOException {
        Client client = new Client();
        assertThat(client.onTomcat("op=server")).startsWith("Apache Tomcat/11");
        assertThat(client.onJetty("op=server")).startsWith("jetty/12");
        assertThat(tomcat.catalinaLog()).contains("keeps its sessions in Redis, namespace 'mixed'").doesNotContain("SEVERE");
        assertThat(Files.readString(jetty.log())).contains("keeps its sessions in Redis", "nodeId=jetty1");
    }

    @Test
    @Order(2)
    void createdOnTomcatIsReadAndChangedOnJettyAndBackAndForth() {
        Client client = new Client();
        String id = client.onTomcat("op=set&name=user&value=alice");
        assertThat(id).endsWith(".tomcat1");
        assertThat(client.cookie()).isEqualTo(id);
        String cluster = clusterId(id);
        String key = key(cluster);
        assertThat(key).endsWith(":s:" + cluster); // stored without the jvmRoute

        assertThat(client.onJetty("op=get&name=user")).isEqualTo("alice");
        client.onJetty("op=set&name=user&value=bob");
        assertThat(redis.command("HGET", key, "#node")).isEqualTo("jetty1");
        assertThat(client.onTomcat("op=get&name=user")).isEqualTo("bob");
        client.onTomcat("op=set&name=user&value=carol");
        assertThat(redis.command("HGET", key, "#node")).isEqualTo("tomcat1");
        assertThat(client.onJetty("op=get&name=user")).isEqualTo("carol");

        // a class of the webapp's own, created on one container and changed in place on the other
        assertThat(client.onTomcat("op=basket-add&value=apple")).isEqualTo("[apple]");
        assertThat(client.onJetty("op=basket-add&value=pear")).isEqualTo("[apple, pear]");
        assertThat(client.onTomcat("op=basket-add&value=plum")).isEqualTo("[apple, pear, plum]");
        assertThat(client.onJetty("op=basket")).isEqualTo("[apple, pear, plum] loader=webapp");
        assertThat(client.onTomcat("op=basket")).isEqualTo("[apple, pear, plum] loader=webapp");

        // creation time and max inactive interval travel too
        assertThat(client.onJetty("op=created")).isEqualTo(client.onTomcat("op=created"));
        client.onJetty("op=setMaxInactive&value=1234");
        assertThat(client.onTomcat("op=getMaxInactive")).isEqualTo("1234");

        // one session all along, whatever suffix the cookie carried meanwhile
        assertThat(clusterId(client.cookie())).isEqualTo(cluster);
        assertThat(sessionKeys(cluster)).containsExactly(key);
    }

    @Test
    @Order(3)
    void createdOnJettyIsReadAndChangedOnTomcat() {
        Client client = new Client();
        client.onJetty("op=set&name=user&value=dora");
        String cookie = client.cookie();
        assertThat(cookie).endsWith(".jetty1");
        String cluster = clusterId(cookie);
        assertThat(key(cluster)).endsWith(":s:" + cluster);

        assertThat(client.onTomcat("op=get&name=user")).isEqualTo("dora");
        assertThat(client.onTomcat("op=basket-add&value=fig")).isEqualTo("[fig]");
        assertThat(client.onTomcat("op=basket-add&value=kiwi")).isEqualTo("[fig, kiwi]");
        assertThat(client.onJetty("op=basket-add&value=lime")).isEqualTo("[fig, kiwi, lime]");
        assertThat(client.onTomcat("op=basket")).isEqualTo("[fig, kiwi, lime] loader=webapp");
        assertThat(client.onJetty("op=get&name=user")).isEqualTo("dora");
        assertThat(sessionKeys(cluster)).hasSize(1);
    }

    @Test
    @Order(4)
    void invalidationOnOneContainerIsSeenOnTheOtherAndDestroysOnce() {
        // created on Tomcat, invalidated on Jetty
        Client a = new Client();
        String cluster1 = clusterId(a.onTomcat("op=set&name=user&value=erin"));
        assertThat(a.onJetty("op=invalidate")).isEqualTo("invalidated");
        assertThat(a.onTomcat("op=get&name=user")).isEqualTo("no-session");
        assertThat(a.onJetty("op=get&name=user")).isEqualTo("no-session");
        assertThat(sessionKeys(cluster1)).isEmpty();
        assertThat(destroyed(cluster1)).singleElement()
                .satisfies(e -> assertThat(e.node()).isEqualTo("jetty1"))
                .satisfies(e -> assertThat(e.detail()).contains("user=erin"));

        // created on Jetty, invalidated on Tomcat
        Client b = new Client();
        b.onJetty("op=set&name=user&value=finn");
        String cluster2 = clusterId(b.cookie());
        assertThat(b.onTomcat("op=get&name=user")).isEqualTo("finn");
        assertThat(b.onTomcat("op=invalidate")).isEqualTo("invalidated");
        assertThat(b.onJetty("op=get&name=user")).isEqualTo("no-session");
        assertThat(b.onTomcat("op=get&name=user")).isEqualTo("no-session");
        assertThat(sessionKeys(cluster2)).isEmpty();
        assertThat(destroyed(cluster2)).singleElement()
                .satisfies(e -> assertThat(e.node()).isEqualTo("tomcat1"))
                .satisfies(e -> assertThat(e.detail()).contains("user=finn"));
    }

    @Test
    @Order(5)
    void expiryFiresSessionDestroyedOnceInTotalAcrossBothContainers() {
        // one session created on each container, its max inactive interval set on the other
        Client a = new Client();
        String fromTomcat = clusterId(a.onTomcat("op=set&name=user&value=gina"));
        a.onJetty("op=setMaxInactive&value=2");
        Client b = new Client();
        b.onJetty("op=set&name=user&value=hugo");
        String fromJetty = clusterId(b.cookie());
        b.onTomcat("op=setMaxInactive&value=2");

        for (String cluster : List.of(fromTomcat, fromJetty)) {
            Poll.until(Duration.ofSeconds(30), "a node destroys expired session " + cluster,
                    () -> !destroyed(cluster).isEmpty());
            // the claiming node deletes the session after its listeners; once it is gone from the
            // data and from the expiry index, no node can claim it again
            Poll.until(Duration.ofSeconds(15), "expired session " + cluster + " is gone from Redis",
                    () -> sessionKeys(cluster).isEmpty() && !inAnyExpiryIndex(cluster));
        }
        assertThat(destroyed(fromTomcat)).singleElement().satisfies(e -> assertThat(e.detail()).contains("user=gina"));
        assertThat(destroyed(fromJetty)).singleElement().satisfies(e -> assertThat(e.detail()).contains("user=hugo"));
        assertThat(a.onTomcat("op=get&name=user")).isEqualTo("no-session");
        assertThat(b.onJetty("op=get&name=user")).isEqualTo("no-session");
        assertThat(a.onJetty("op=get&name=user")).isEqualTo("no-session");
        assertThat(b.onTomcat("op=get&name=user")).isEqualTo("no-session");
    }
}
