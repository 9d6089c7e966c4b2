package io.redissessions.jetty;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.TestWebapp.Login;
import io.redissessions.testing.web.TestWebapp.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.redissessions.testing.web.TestWebapp.ALICE;
import static io.redissessions.testing.web.TestWebapp.BOB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty's container login (ee10, core {@code FormAuthenticator} and {@code BasicAuthenticator},
 * declared by the test webapp's web.xml) across two nodes with the default codec ({@code json}) and
 * no allowed Jetty classes: the login state travels as container extras that name no class and
 * hold no credentials.
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

    private List<JettyNode> cluster(Login login) {
        for (String name : List.of("nodeA", "nodeB")) {
            nodes.add(JettyNode.builder(name, redis.uri()).login(login).start());
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

    private static Reply loginAs(Browser browser, JettyNode node, User user) {
        return browser.post(node, "/j_security_check", user.loginForm());
    }

    /** What a protected page of node {@code node} answers a GET of {@code user} with. */
    private static String page(String path, User user, JettyNode node, boolean admin, String auth) {
        return "PROTECTED " + path + " user=" + user.name() + " method=GET query=null field=null node=" + node.name()
                + " admin=" + admin + " auth=" + auth;
    }

    @Test
    void formLoginStartedOnOneNodeCompletesOnTheOtherWithTheDefaultCodecAndNoPasswordInRedis() {
        JettyNode a = cluster(Login.FORM).get(0);
        JettyNode b = nodes.get(1);
        Browser browser = Browser.of(a, b);

        Reply challenge = browser.get(a, "/protected/page");
        assertThat(challenge.status()).as(challenge.toString()).isIn(302, 303);
        assertThat(challenge.redirectPath()).isEqualTo("/app/login");
        assertThat(browser.body(a, "/login")).isEqualTo("LOGIN-PAGE");

        Reply loggedIn = loginAs(browser, b, ALICE);
        assertThat(loggedIn.status()).as(loggedIn.toString()).isIn(302, 303);
        assertThat(loggedIn.redirectPath()).isEqualTo("/app/protected/page");

        assertThat(browser.body(a, "/protected/page")).isEqualTo(page("/protected/page", ALICE, a, false, "FORM"));
        assertThat(browser.body(b, "/protected/page")).isEqualTo(page("/protected/page", ALICE, b, false, "FORM"));

        String stored = everythingInRedis();
        assertThat(stored).doesNotContain(ALICE.password()).doesNotContain("SessionAuthentication", "HttpURI");
        assertThat(redis.command("HGET", new SessionKeys("rs:", "app").sessionKey(browser.clusterId()), "#x:principal"))
                .isEqualTo("{\"name\":\"alice\",\"roles\":[\"user\"]}");
    }

    @Test
    void roleProtectedPageIsRefusedToAUserWithoutTheRoleAndAllowedToOneWithIt() {
        JettyNode a = cluster(Login.FORM).get(0);
        JettyNode b = nodes.get(1);

        Browser alice = Browser.of(a, b);
        alice.get(a, "/admin/page");
        loginAs(alice, b, ALICE);
        assertThat(alice.get(a, "/admin/page").status()).isEqualTo(403);
        assertThat(alice.get(b, "/admin/page").status()).isEqualTo(403);

        Browser bob = Browser.of(a, b);
        bob.get(b, "/admin/page");
        Reply loggedIn = loginAs(bob, a, BOB);
        assertThat(loggedIn.redirectPath()).isEqualTo("/app/admin/page");
        assertThat(bob.body(b, "/admin/page")).isEqualTo(page("/admin/page", BOB, b, true, "FORM"));
        assertThat(everythingInRedis()).doesNotContain(BOB.password());
    }

    @Test
    void logoutOnOneNodeIsSeenOnTheOther() {
        JettyNode a = cluster(Login.FORM).get(0);
        JettyNode b = nodes.get(1);
        Browser browser = Browser.of(a, b);
        browser.get(a, "/protected/page");
        loginAs(browser, b, ALICE);
        assertThat(browser.get(a, "/protected/page").status()).isEqualTo(200);

        assertThat(browser.body(a, "/logout")).isEqualTo("LOGGED-OUT");

        Reply after = browser.get(b, "/protected/page");
        assertThat(after.status()).as(after.toString()).isIn(302, 303);
        assertThat(after.redirectPath()).isEqualTo("/app/login");
        assertThat(browser.get(a, "/protected/page").redirectPath()).isEqualTo("/app/login");
    }

    @Test
    void postToAProtectedPageIsKeptThroughTheLoginOnAnotherNode() {
        JettyNode a = cluster(Login.FORM).get(0);
        JettyNode b = nodes.get(1);
        Browser browser = Browser.of(a, b);

        Reply challenge = browser.post(a, "/protected/echo", Browser.form("field", "hello from the form"));
        assertThat(challenge.redirectPath()).as(challenge.toString()).isEqualTo("/app/login");
        Reply loggedIn = loginAs(browser, b, ALICE);
        assertThat(loggedIn.redirectPath()).isEqualTo("/app/protected/echo");

        // Jetty's core FormAuthenticator hands the saved fields back when the saved URI is requested
        // again with the saved method; its redirect makes a browser GET instead, so the client re-posts
        Reply replayed = browser.post(a, "/protected/echo", Browser.form("other", "x"));
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
        assertThat(replayed.body()).isEqualTo("PROTECTED /protected/echo user=alice method=POST query=null"
                + " field=hello from the form node=nodeA admin=false auth=FORM");
    }

    @Test
    void basicLoginIsAcceptedByEveryNode() {
        cluster(Login.BASIC);
        Browser browser = new Browser(nodes);
        assertThat(browser.get(nodes.get(0), "/protected/page").status()).isEqualTo(401);
        browser.basic(BOB);
        for (JettyNode node : nodes) {
            assertThat(browser.body(node, "/admin/page")).isEqualTo(page("/admin/page", BOB, node, true, "BASIC"));
        }
        assertThat(everythingInRedis()).doesNotContain(BOB.password());
    }
}
