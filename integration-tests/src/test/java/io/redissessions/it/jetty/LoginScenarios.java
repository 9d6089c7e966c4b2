package io.redissessions.it.jetty;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.WebNode;

import java.util.List;

import static io.redissessions.testing.web.TestWebapp.ALICE;
import static io.redissessions.testing.web.TestWebapp.BOB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Container login across two jetty-home nodes, as a browser behind a non-sticky balancer goes
 * through it, on the test webapp's FORM login variant; the same steps for every environment and
 * every Jetty version. Node A gets the protected request and the login page, node B the
 * credentials ({@code j_security_check}). Every request carries the balancer's host name in
 * {@code Host}: both nodes see the same request URL, as behind a real balancer (Jetty's core
 * authenticator compares the URL it saved with the one requested again).
 */
final class LoginScenarios {

    /** The balancer's host name (needs {@code jdk.httpclient.allowRestrictedHeaders=host}, set by the failsafe execution). */
    static final String HOST = "shop.example:8080";

    private LoginScenarios() {
    }

    /** A browser of the webapp at {@code /<context>} of these nodes, behind the balancer. */
    static Browser browser(List<JettyHomeNode> nodes, String context) {
        return new Browser(nodes.stream().map(n -> n.at(context)).toList()).header("Host", HOST);
    }

    /** Redis's view of a session: {@code HGETALL} of its key, as {@code redis-cli} shows it. */
    static String hgetall(RedisServer redis, String namespace, String id) {
        return redis.command("HGETALL", new SessionKeys("rs:", namespace).sessionKey(id));
    }

    /**
     * FORM login begun on A and completed on B: the protected page on A, a new session id in the
     * old id's shard (the old id gone), and a session in Redis that holds the user but no password.
     *
     * @return the logged-in browser
     */
    static Browser formLoginTravels(List<JettyHomeNode> nodes, RedisServer redis, String context) {
        return formLoginTravels(nodes, redis, context, context);
    }

    /** As {@link #formLoginTravels(List, RedisServer, String)}, for a webapp whose namespace is set. */
    static Browser formLoginTravels(List<JettyHomeNode> nodes, RedisServer redis, String namespace, String context) {
        Browser browser = browser(nodes, context);
        WebNode a = browser.nodes().get(0);
        WebNode b = browser.nodes().get(1);
        Reply challenge = browser.get(a, "/protected/page");
        assertThat(challenge.redirectPath()).as(challenge.toString()).isEqualTo("/" + context + "/login");
        assertThat(browser.body(a, "/login")).isEqualTo("LOGIN-PAGE");
        String before = browser.clusterId();

        Reply loggedIn = browser.post(b, "/j_security_check", ALICE.loginForm());
        assertThat(loggedIn.redirectPath()).as(loggedIn.toString()).isEqualTo("/" + context + "/protected/page");
        Reply page = browser.get(a, "/protected/page");
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.body()).startsWith("PROTECTED /protected/page user=alice method=GET ")
                .endsWith(" admin=false auth=FORM");

        String after = browser.clusterId();
        assertThat(after).as("session id renewed at login").isNotEqualTo(before);
        assertThat(SessionKeys.shardOf(after)).as("shard of the renewed id").isEqualTo(SessionKeys.shardOf(before));
        assertThat(hgetall(redis, namespace, before)).as("the old id").isEmpty();
        String stored = hgetall(redis, namespace, after);
        assertThat(stored).contains("#x:principal", "{\"name\":\"alice\",\"roles\":[\"user\"]}")
                .doesNotContain(ALICE.password());
        return browser;
    }

    /**
     * A POST to a protected page on A is interrupted by the login (done on B) and its parameters
     * reach the page afterwards on B. Jetty's core authenticator (ee10, ee11) gives them back when the
     * saved URI is requested again with the saved method; the nested ones (ee8, ee9) to the
     * browser's GET after the redirect.
     */
    static void postSurvivesTheLogin(List<JettyHomeNode> nodes, String context, boolean coreAuthenticator) {
        Browser browser = browser(nodes, context);
        WebNode a = browser.nodes().get(0);
        WebNode b = browser.nodes().get(1);
        Reply challenge = browser.post(a, "/protected/echo", Browser.form("field", "hello from the form"));
        assertThat(challenge.redirectPath()).as(challenge.toString()).isEqualTo("/" + context + "/login");
        Reply loggedIn = browser.post(b, "/j_security_check", ALICE.loginForm());
        assertThat(loggedIn.redirectPath()).as(loggedIn.toString()).isEqualTo("/" + context + "/protected/echo");

        Reply replayed = coreAuthenticator ? browser.post(b, "/protected/echo", Browser.form("other", "x"))
                : browser.get(b, "/protected/echo");
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
        assertThat(replayed.body()).startsWith("PROTECTED /protected/echo user=alice method=POST ")
                .contains(" field=hello from the form ");
    }

    /** Logout on one node: the other node asks for the login again. */
    static void logoutIsSeenOnBoth(Browser loggedIn, String context) {
        assertThat(loggedIn.body(1, "/logout")).isEqualTo("LOGGED-OUT");
        for (WebNode node : loggedIn.nodes()) {
            Reply after = loggedIn.get(node, "/protected/page");
            assertThat(after.redirectPath()).as(node + ": " + after).isEqualTo("/" + context + "/login");
        }
    }

    /** The admin page: refused to alice (role user), allowed to bob (roles user, admin), across nodes. */
    static void rolesTravel(List<JettyHomeNode> nodes, RedisServer redis, String context) {
        Browser alice = browser(nodes, context);
        alice.get(0, "/admin/page");
        alice.post(1, "/j_security_check", ALICE.loginForm());
        for (WebNode node : alice.nodes()) {
            assertThat(alice.get(node, "/admin/page").status()).as("alice on " + node).isEqualTo(403);
        }
        Browser bob = browser(nodes, context);
        bob.get(1, "/admin/page");
        assertThat(bob.post(0, "/j_security_check", BOB.loginForm()).redirectPath()).isEqualTo("/" + context + "/admin/page");
        for (WebNode node : bob.nodes()) {
            Reply page = bob.get(node, "/admin/page");
            assertThat(page.status()).as("bob on " + node + ": " + page).isEqualTo(200);
            assertThat(page.body()).startsWith("PROTECTED /admin/page user=bob method=GET ").endsWith(" admin=true auth=FORM");
        }
        assertThat(hgetall(redis, context, bob.clusterId())).doesNotContain(BOB.password());
    }
}
