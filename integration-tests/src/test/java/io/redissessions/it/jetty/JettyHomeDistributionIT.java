package io.redissessions.it.jetty;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.EventLog;
import io.redissessions.testing.web.TestWebapp;
import io.redissessions.testing.web.TestWebapp.Login;
import io.redissessions.testing.web.WebNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
 * balancer). Each node serves the tests' one webapp ({@link TestWebapp}) in every environment, with
 * FORM login: {@code /app} (ee10), {@code /app11} (ee11), {@code /app9} (ee9), {@code /app8} (ee8,
 * javax.servlet), and {@code /basic} (ee10 with BASIC login). Before it asserts "exactly once", a
 * test waits until the stores of both nodes have completed expiry passes (each logs one DEBUG line
 * per pass, counted as its {@code expiryPasses}), never for a time.
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
        List<JettyHomeNode.Webapp> webapps = new ArrayList<>();
        webapps.add(webapp("app", "ee10", Login.FORM));
        webapps.add(webapp("basic", "ee10", Login.BASIC));
        for (String env : List.of("ee11", "ee9", "ee8")) {
            webapps.add(webapp("app" + env.substring(2), env, Login.FORM));
        }
        // both bases set up at once: each is a start.jar run of its own
        nodes.addAll(List.of("nodeA", "nodeB").parallelStream().map(name -> JettyHomeNode.create(name, HOME, OVERLAY,
                WORK, RedisServer.freePort(), new JettyHomeNode.Setup(
                        List.of("http", "ee10-deploy", "ee11-deploy", "ee9-deploy", "ee8-deploy", "session-store-redis",
                                JettyHomeNode.REALM_MODULE),
                        webapps,
                        Map.of("uri", redis.uri(), "allowedClasses", TestWebapp.ALLOWED_CLASSES,
                                "socketTimeoutMillis", "1500", "touchIntervalFraction", "0.2"),
                        Map.of("jetty.sessionIdManager.workerName", name, "jetty.sessionScavengeInterval.seconds", "1"),
                        JettyHomeNode.realmModule()))).toList());
        nodes.parallelStream().forEach(node -> node.start(Map.of("REDIS_SESSIONS_TEST_EVENTS", events(node).toString(),
                "REDIS_SESSIONS_TEST_NODE", node.name())));
    }

    /** The webapp at {@code /<context>} for {@code environment}; its environment file unless ee10 (the default). */
    private static JettyHomeNode.Webapp webapp(String context, String environment, Login login) {
        Path dir = JettyHomeNode.webapp(WORK.resolve("webapp-" + context), HOME, environment, login);
        return new JettyHomeNode.Webapp(context, dir, environment.equals("ee10") ? null : environment);
    }

    @AfterAll
    static void stopCluster() {
        nodes.forEach(JettyHomeNode::close);
        if (redis != null) {
            redis.close();
        }
        for (String context : List.of("app", "basic", "app11", "app9", "app8")) {
            TestFiles.deleteRecursively(WORK.resolve("webapp-" + context));
        }
    }

    private static Path events(JettyHomeNode node) {
        return node.base().resolve("events.log");
    }

    private static EventLog events() {
        return new EventLog(nodes.stream().map(JettyHomeDistributionIT::events).toList());
    }

    /** Waits until every node has completed an expiry pass (a scavenge) of /app that began after this call. */
    private static void awaitScavengesOfEveryNode() {
        nodes.forEach(n -> n.awaitScavenges("app", 1));
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

    // ------------------------------------------------------------------ container login

    @Test
    void formLoginBegunOnOneNodeCompletesOnTheOtherWithANewIdAndNoPasswordInRedis() {
        Browser browser = LoginScenarios.formLoginTravels(nodes, redis, "app");
        LoginScenarios.logoutIsSeenOnBoth(browser, "app");
    }

    @Test
    void postToAProtectedPageSurvivesTheLoginOnTheOtherNode() {
        LoginScenarios.postSurvivesTheLogin(nodes, "app", true);
    }

    @Test
    void roleProtectedPageIsRefusedToAUserWithoutTheRoleAndAllowedToOneWithIt() {
        LoginScenarios.rolesTravel(nodes, redis, "app");
    }

    @Test
    void basicLoginIsAcceptedByBothNodes() {
        Browser browser = LoginScenarios.browser(nodes, "basic");
        assertThat(browser.get(0, "/protected/page").status()).isEqualTo(401);
        browser.basic(TestWebapp.BOB);
        for (WebNode node : browser.nodes()) {
            assertThat(browser.body(node, "/admin/page")).startsWith("PROTECTED /admin/page user=bob method=GET ")
                    .endsWith(" admin=true auth=BASIC");
        }
    }

    /** One focused scenario per further environment: FORM login with a POST kept through it, logout. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"ee11, app11, true", "ee9, app9, false", "ee8, app8, false"})
    void formLoginAndTheInterruptedPostTravelInEnvironment(String environment, String context, boolean core) {
        LoginScenarios.postSurvivesTheLogin(nodes, context, core);
        Browser browser = LoginScenarios.formLoginTravels(nodes, redis, context);
        LoginScenarios.logoutIsSeenOnBoth(browser, context);
    }

    // ------------------------------------------------------------------ concurrent requests of one session

    @Test
    void concurrentRequestsOfOneSessionOnBothNodesLoseNothing() throws Exception {
        SameSessionLoad.Result r = SameSessionLoad.run(nodes, 6, 2, 25);
        assertThat(r.failuresByStatus()).as(r.toString()).isEmpty();
        assertThat(r.lost()).as(r.toString()).isZero();
    }
}
