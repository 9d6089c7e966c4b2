package io.redissessions.it.jetty;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.it.jetty.HomeBrowser.Page;
import io.redissessions.testing.RedisServer;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Container login across two jetty-home nodes, as a browser behind a non-sticky balancer goes
 * through it; the same steps for every environment and every Jetty version. Node A gets the
 * protected request and the login page, node B the credentials ({@code j_security_check}).
 */
final class LoginScenarios {

    private LoginScenarios() {
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
    static HomeBrowser formLoginTravels(List<JettyHomeNode> nodes, RedisServer redis, String context) {
        return formLoginTravels(nodes, redis, context, context);
    }

    /** As {@link #formLoginTravels(List, RedisServer, String)}, for a webapp whose namespace is set. */
    static HomeBrowser formLoginTravels(List<JettyHomeNode> nodes, RedisServer redis, String namespace, String context) {
        JettyHomeNode a = nodes.get(0);
        JettyHomeNode b = nodes.get(1);
        HomeBrowser browser = new HomeBrowser(context);
        Page challenge = browser.get(a, "/secure/page");
        assertThat(challenge.redirectPath()).as(challenge.toString()).isEqualTo("/" + context + "/login");
        assertThat(browser.get(a, "/login").body()).isEqualTo("login page");
        String before = browser.sessionId();

        Page loggedIn = browser.login(b, "alice", TestWebapps.ALICE_PASSWORD);
        assertThat(loggedIn.redirectPath()).as(loggedIn.toString()).isEqualTo("/" + context + "/secure/page");
        Page page = browser.get(a, "/secure/page");
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("/secure/page of alice admin=false auth=FORM");

        String after = browser.sessionId();
        assertThat(after).as("session id renewed at login").isNotEqualTo(before);
        assertThat(SessionKeys.shardOf(after)).as("shard of the renewed id").isEqualTo(SessionKeys.shardOf(before));
        assertThat(hgetall(redis, namespace, before)).as("the old id").isEmpty();
        String stored = hgetall(redis, namespace, after);
        assertThat(stored).contains("#x:principal", "{\"name\":\"alice\",\"roles\":[\"user\"]}")
                .doesNotContain(TestWebapps.ALICE_PASSWORD);
        return browser;
    }

    /**
     * A POST to a protected page on A is interrupted by the login (done on B) and its parameters
     * reach the page afterwards on B. Jetty's core authenticator (ee10, ee11) gives them back when the
     * saved URI is requested again with the saved method; the nested ones (ee8, ee9) to the
     * browser's GET after the redirect.
     */
    static void postSurvivesTheLogin(List<JettyHomeNode> nodes, String context, boolean coreAuthenticator) {
        JettyHomeNode a = nodes.get(0);
        JettyHomeNode b = nodes.get(1);
        HomeBrowser browser = new HomeBrowser(context);
        Page challenge = browser.post(a, "/secure/echo", Map.of("msg", "hello from the form"));
        assertThat(challenge.redirectPath()).as(challenge.toString()).isEqualTo("/" + context + "/login");
        Page loggedIn = browser.login(b, "alice", TestWebapps.ALICE_PASSWORD);
        assertThat(loggedIn.redirectPath()).as(loggedIn.toString()).isEqualTo("/" + context + "/secure/echo");

        Page replayed = coreAuthenticator ? browser.post(b, "/secure/echo", Map.of("other", "x"))
                : browser.get(b, "/secure/echo");
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
        assertThat(replayed.body()).isEqualTo("echo msg=hello from the form user=alice");
    }

    /** Logout on one node: the other node asks for the login again. */
    static void logoutIsSeenOnBoth(List<JettyHomeNode> nodes, HomeBrowser loggedIn, String context) {
        assertThat(loggedIn.get(nodes.get(1), "/logout").body()).isEqualTo("logged out");
        for (JettyHomeNode node : nodes) {
            Page after = loggedIn.get(node, "/secure/page");
            assertThat(after.redirectPath()).as(node + ": " + after).isEqualTo("/" + context + "/login");
        }
    }

    /** The admin page: refused to alice (role user), allowed to bob (roles user, admin), across nodes. */
    static void rolesTravel(List<JettyHomeNode> nodes, RedisServer redis, String context) {
        JettyHomeNode a = nodes.get(0);
        JettyHomeNode b = nodes.get(1);
        HomeBrowser alice = new HomeBrowser(context);
        alice.get(a, "/admin/page");
        alice.login(b, "alice", TestWebapps.ALICE_PASSWORD);
        for (JettyHomeNode node : nodes) {
            assertThat(alice.get(node, "/admin/page").status()).as("alice on " + node).isEqualTo(403);
        }
        HomeBrowser bob = new HomeBrowser(context);
        bob.get(b, "/admin/page");
        assertThat(bob.login(a, "bob", TestWebapps.BOB_PASSWORD).redirectPath()).isEqualTo("/" + context + "/admin/page");
        for (JettyHomeNode node : nodes) {
            Page page = bob.get(node, "/admin/page");
            assertThat(page.status()).as("bob on " + node + ": " + page).isEqualTo(200);
            assertThat(page.body()).isEqualTo("/admin/page of bob admin=true auth=FORM");
        }
        assertThat(hgetall(redis, context, bob.sessionId())).doesNotContain(TestWebapps.BOB_PASSWORD);
    }
}
