package io.redissessions.it.jetty;

import io.redissessions.it.jetty.TestWebapps.Login;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real jetty-home distribution from Maven Central with the redis-sessions overlay, two server
 * processes with distinct worker names, a client that alternates between them (a non-sticky
 * balancer). Each node serves the same webapp in every environment, with FORM login: {@code /app}
 * (ee10), {@code /app11} (ee11), {@code /app9} (ee9), {@code /app8} (ee8), and {@code /basic}
 * (ee10 with BASIC login).
 */
class JettyHomeDistributionIT {

    private static final Path HOME = Path.of(System.getProperty("jetty.home.dir"));
    private static final Path OVERLAY = Path.of(System.getProperty("jetty.overlay.dir"));
    private static final Path WORK = Path.of(System.getProperty("jetty.work.dir"));

    private static RedisServer redis;
    private static final List<JettyHomeNode> nodes = new ArrayList<>();

    /** The webapps of each node: context, environment, login. */
    private static final List<JettyHomeNode.Webapp> WEBAPPS = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        redis = RedisServer.startStandalone();
        WEBAPPS.add(new JettyHomeNode.Webapp("app", TestWebapps.build(WORK, "app", "ee10", Login.FORM, HOME), null));
        WEBAPPS.add(new JettyHomeNode.Webapp("basic", TestWebapps.build(WORK, "basic", "ee10", Login.BASIC, HOME), null));
        for (String env : List.of("ee11", "ee9", "ee8")) {
            String context = "app" + env.substring(2);
            WEBAPPS.add(new JettyHomeNode.Webapp(context, TestWebapps.build(WORK, context, env, Login.FORM, HOME), env));
        }
        // both bases set up at once: each is a start.jar run of its own
        nodes.addAll(List.of("nodeA", "nodeB").parallelStream().map(name -> JettyHomeNode.create(name, HOME, OVERLAY, WORK,
                RedisServer.freePort(), new JettyHomeNode.Setup(
                        List.of("http", "ee10-deploy", "ee11-deploy", "ee9-deploy", "ee8-deploy", "session-store-redis",
                                TestWebapps.REALM_MODULE),
                        WEBAPPS,
                        Map.of("uri", redis.uri(), "allowedClasses", "io.redissessions.it.jetty.webapp.*",
                                "socketTimeoutMillis", "1500", "touchIntervalFraction", "0.2"),
                        Map.of("jetty.sessionIdManager.workerName", name, "jetty.sessionScavengeInterval.seconds", "1"),
                        TestWebapps.realmModule()))).toList());
        nodes.parallelStream().forEach(node -> node.start(Map.of("IT_EVENTS", events(node).toString())));
    }

    @AfterAll
    static void stopCluster() {
        nodes.forEach(JettyHomeNode::close);
        if (redis != null) {
            redis.close();
        }
    }

    private static Path events(JettyHomeNode node) {
        return node.base().resolve("events.log");
    }

    /** A browser behind a round-robin balancer. */
    private static final class Client {
        private final CookieManager cookies = new CookieManager();
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();
        private final AtomicInteger next = new AtomicInteger();

        String ok(String query) {
            return ok(nodes.get(next.getAndIncrement() % nodes.size()), query);
        }

        String ok(JettyHomeNode node, String query) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.baseUri() + "/s?" + query))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(node + " " + query + ": " + r.body()).isEqualTo(200);
                return r.body();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        String sessionId() {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                    .map(HttpCookie::getValue).map(v -> v.contains(".") ? v.substring(0, v.indexOf('.')) : v)
                    .findFirst().orElseThrow();
        }
    }

    private static List<String> destroyedLines(String id) {
        List<String> lines = new ArrayList<>();
        for (JettyHomeNode node : nodes) {
            Path f = events(node);
            if (Files.exists(f)) {
                try (Stream<String> s = Files.lines(f)) {
                    s.filter(l -> l.startsWith("destroyed " + id + " ")).map(l -> node.name() + ": " + l).forEach(lines::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return lines;
    }

    @Test
    void sessionIsSharedByBothProcesses() {
        Client client = new Client();
        client.ok("op=set&name=user&value=alice");
        assertThat(client.ok("op=get&name=user")).isEqualTo("alice");
        assertThat(client.ok("op=get&name=user")).isEqualTo("alice");
    }

    @Test
    void webappObjectChangedInPlaceIsSavedOnEveryNode() {
        Client client = new Client();
        for (String item : List.of("apple", "pear", "plum")) {
            client.ok("op=cart-add&value=" + item);
        }
        assertThat(client.ok("op=cart")).isEqualTo("[apple, pear, plum] loader=WebAppClassLoader");
        assertThat(client.ok("op=cart")).isEqualTo("[apple, pear, plum] loader=WebAppClassLoader");
    }

    @Test
    void invalidationIsSeenByBothProcessesAndDestroysOnce() throws Exception {
        Client client = new Client();
        client.ok(nodes.get(0), "op=set&name=user&value=alice");
        String id = client.sessionId();
        client.ok(nodes.get(1), "op=invalidate");
        assertThat(client.ok(nodes.get(0), "op=get&name=user")).isEqualTo("no-session");
        assertThat(client.ok(nodes.get(1), "op=get&name=user")).isEqualTo("no-session");
        Thread.sleep(2500); // both nodes scavenge (every second) meanwhile
        assertThat(destroyedLines(id)).singleElement().asString().startsWith("nodeB: destroyed " + id + " {user=alice}");
    }

    @Test
    void expiredSessionIsDestroyedExactlyOnceAcrossProcesses() throws Exception {
        Client client = new Client();
        client.ok(nodes.get(0), "op=set&name=user&value=bob");
        client.ok(nodes.get(1), "op=max-inactive&value=1");
        String id = client.sessionId();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (destroyedLines(id).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(2500); // more scavenges on both nodes
        assertThat(destroyedLines(id)).singleElement().asString().contains("destroyed " + id + " {user=bob}");
    }

    @Test
    void storeJarsAreHiddenFromTheWebapp() {
        Client client = new Client();
        for (String name : List.of("redis.clients.jedis.UnifiedJedis", "com.fasterxml.jackson.databind.ObjectMapper",
                "io.redissessions.core.store.RedisSessionStore", "io.redissessions.jetty.RedisSessionDataStore",
                "org.apache.commons.pool2.ObjectPool")) {
            assertThat(client.ok("op=visible&name=" + name)).as(name).isEqualTo("hidden");
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
        HomeBrowser browser = LoginScenarios.formLoginTravels(nodes, redis, "app");
        LoginScenarios.logoutIsSeenOnBoth(nodes, browser, "app");
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
        HomeBrowser browser = new HomeBrowser("basic");
        assertThat(browser.get(nodes.get(0), "/secure/page").status()).isEqualTo(401);
        browser.basic("bob", TestWebapps.BOB_PASSWORD);
        for (JettyHomeNode node : nodes) {
            HomeBrowser.Page page = browser.get(node, "/admin/page");
            assertThat(page.status()).as(node + ": " + page).isEqualTo(200);
            assertThat(page.body()).isEqualTo("/admin/page of bob admin=true auth=BASIC");
        }
    }

    /** One focused scenario per further environment: FORM login with a POST kept through it, logout. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"ee11, app11, true", "ee9, app9, false", "ee8, app8, false"})
    void formLoginAndTheInterruptedPostTravelInEnvironment(String environment, String context, boolean core) {
        LoginScenarios.postSurvivesTheLogin(nodes, context, core);
        HomeBrowser browser = LoginScenarios.formLoginTravels(nodes, redis, context);
        LoginScenarios.logoutIsSeenOnBoth(nodes, browser, context);
    }

    // ------------------------------------------------------------------ concurrent requests of one session

    @Test
    void concurrentRequestsOfOneSessionOnBothNodesLoseNothing() throws Exception {
        SameSessionLoad.Result r = SameSessionLoad.run(nodes, "app", 6, 2, 25);
        assertThat(r.failuresByStatus()).as(r.toString()).isEmpty();
        assertThat(r.lost()).as(r.toString()).isZero();
    }
}
