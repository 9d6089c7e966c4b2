package io.redissessions.jetty;

import io.redissessions.jetty.testing.Browser;
import io.redissessions.jetty.testing.Browser.Page;
import io.redissessions.jetty.testing.ContainerLogin;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty's container login (ee10, core {@code FormAuthenticator} and {@code BasicAuthenticator})
 * across two nodes with the default settings ({@code json} codec, no allowed Jetty classes): the
 * login state travels as container extras that name no class and hold no credentials.
 */
class ContainerLoginTest {

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

    private List<JettyNode> formCluster() {
        for (String name : List.of("nodeA", "nodeB")) {
            nodes.add(JettyNode.builder(name, redis.uri()).context(ContainerLogin.form()).start());
        }
        return nodes;
    }

    /** Every value of every key in Redis, as redis-cli prints them. */
    private static String everythingInRedis() {
        StringBuilder all = new StringBuilder();
        for (String key : redis.command("KEYS", "*").lines().filter(l -> !l.isBlank()).toList()) {
            String type = redis.command("TYPE", key).trim().replaceFirst("^\\+", "");
            all.append(key).append(" = ").append(switch (type) {
                case "hash" -> redis.command("HGETALL", key);
                case "zset" -> redis.command("ZRANGE", key, "0", "-1");
                case "string" -> redis.command("GET", key);
                default -> type;
            }).append('\n');
        }
        return all.toString();
    }

    private static Page loginAs(Browser browser, JettyNode node, String user, String password) {
        return browser.post(node, "/j_security_check", Map.of("j_username", user, "j_password", password));
    }

    @Test
    void formLoginStartedOnOneNodeCompletesOnTheOtherWithTheDefaultCodecAndNoPasswordInRedis() {
        JettyNode a = formCluster().get(0);
        JettyNode b = nodes.get(1);
        Browser browser = new Browser();

        Page challenge = browser.get(a, "/secure/page");
        assertThat(challenge.status()).as(challenge.body()).isIn(302, 303);
        assertThat(challenge.redirectPath()).isEqualTo("/app/login");
        assertThat(browser.get(a, "/login").body()).isEqualTo("login page");

        Page loggedIn = loginAs(browser, b, "alice", ContainerLogin.ALICE_PASSWORD);
        assertThat(loggedIn.status()).as(loggedIn.body()).isIn(302, 303);
        assertThat(loggedIn.redirectPath()).isEqualTo("/app/secure/page");

        Page page = browser.get(a, "/secure/page");
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("/secure/page of alice admin=false auth=FORM");
        assertThat(browser.get(b, "/secure/page").body()).isEqualTo("/secure/page of alice admin=false auth=FORM");

        String stored = everythingInRedis();
        assertThat(stored).doesNotContain(ContainerLogin.ALICE_PASSWORD).doesNotContain("SessionAuthentication", "HttpURI");
        assertThat(redis.command("HGET", new io.redissessions.core.store.SessionKeys("rs:", "app")
                .sessionKey(browser.sessionId()), "#x:principal")).isEqualTo("{\"name\":\"alice\",\"roles\":[\"user\"]}");
    }

    @Test
    void roleProtectedPageIsRefusedToAUserWithoutTheRoleAndAllowedToOneWithIt() {
        JettyNode a = formCluster().get(0);
        JettyNode b = nodes.get(1);

        Browser alice = new Browser();
        alice.get(a, "/admin/page");
        loginAs(alice, b, "alice", ContainerLogin.ALICE_PASSWORD);
        assertThat(alice.get(a, "/admin/page").status()).isEqualTo(403);
        assertThat(alice.get(b, "/admin/page").status()).isEqualTo(403);

        Browser bob = new Browser();
        bob.get(b, "/admin/page");
        Page loggedIn = loginAs(bob, a, "bob", ContainerLogin.BOB_PASSWORD);
        assertThat(loggedIn.redirectPath()).isEqualTo("/app/admin/page");
        Page admin = bob.get(b, "/admin/page");
        assertThat(admin.status()).as(admin.body()).isEqualTo(200);
        assertThat(admin.body()).isEqualTo("/admin/page of bob admin=true auth=FORM");
        assertThat(everythingInRedis()).doesNotContain(ContainerLogin.BOB_PASSWORD);
    }

    @Test
    void logoutOnOneNodeIsSeenOnTheOther() {
        JettyNode a = formCluster().get(0);
        JettyNode b = nodes.get(1);
        Browser browser = new Browser();
        browser.get(a, "/secure/page");
        loginAs(browser, b, "alice", ContainerLogin.ALICE_PASSWORD);
        assertThat(browser.get(a, "/secure/page").status()).isEqualTo(200);

        assertThat(browser.get(a, "/logout").body()).isEqualTo("logged out");

        Page after = browser.get(b, "/secure/page");
        assertThat(after.status()).as(after.body()).isIn(302, 303);
        assertThat(after.redirectPath()).isEqualTo("/app/login");
        assertThat(browser.get(a, "/secure/page").redirectPath()).isEqualTo("/app/login");
    }

    @Test
    void postToAProtectedPageIsKeptThroughTheLoginOnAnotherNode() {
        JettyNode a = formCluster().get(0);
        JettyNode b = nodes.get(1);
        Browser browser = new Browser();

        Page challenge = browser.post(a, "/secure/echo", Map.of("msg", "hello from the form"));
        assertThat(challenge.redirectPath()).as(challenge.toString()).isEqualTo("/app/login");
        Page loggedIn = loginAs(browser, b, "alice", ContainerLogin.ALICE_PASSWORD);
        assertThat(loggedIn.redirectPath()).isEqualTo("/app/secure/echo");

        // Jetty's core FormAuthenticator hands the saved fields back when the saved URI is requested
        // again with the saved method; its redirect makes a browser GET instead, so the client re-posts
        Page replayed = browser.post(a, "/secure/echo", Map.of("other", "x"));
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
        assertThat(replayed.body()).isEqualTo("echo msg=hello from the form method=POST user=alice");
    }

    @Test
    void basicLoginIsAcceptedByEveryNode() {
        for (String name : List.of("nodeA", "nodeB")) {
            nodes.add(JettyNode.builder(name, redis.uri()).context(ContainerLogin.basic()).start());
        }
        Browser browser = new Browser();
        assertThat(browser.get(nodes.get(0), "/secure/page").status()).isEqualTo(401);
        browser.basic("bob", ContainerLogin.BOB_PASSWORD);
        for (JettyNode node : nodes) {
            Page page = browser.get(node, "/admin/page");
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.body()).isEqualTo("/admin/page of bob admin=true auth=BASIC");
        }
        assertThat(everythingInRedis()).doesNotContain(ContainerLogin.BOB_PASSWORD);
    }
}
