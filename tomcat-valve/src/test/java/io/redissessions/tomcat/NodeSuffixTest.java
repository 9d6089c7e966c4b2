package io.redissessions.tomcat;

import io.redissessions.core.store.StoredSession;
import io.redissessions.testing.Poll;
import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session ids with a node suffix: Tomcat appends {@code .jvmRoute}, Jetty {@code .workerName}.
 * Sessions are stored under the id without it (the cluster id, as Jetty does), and any node finds
 * a session whatever suffix the request's id carries: its own, another Tomcat's jvmRoute, or a
 * Jetty worker name.
 */
class NodeSuffixTest extends NodesTestBase {

    private TomcatNode startWithRoute(String name, String jvmRoute) {
        return started(node(name).jvmRoute(jvmRoute).start());
    }

    private List<String> sessionKeys() {
        return Arrays.stream(redis.command("KEYS", "rs:{" + namespace + ":*}:s:*").split("\n"))
                .filter(k -> !k.isBlank()).toList();
    }

    /** A GET with exactly this session cookie, no jar. */
    private static String getWithCookie(TomcatNode node, String path, String sessionCookie) {
        return Browser.ok(Browser.getWithSessionId(node, path, sessionCookie));
    }

    @Test
    void sessionIsStoredWithoutTheJvmRouteAndFoundByEveryNode() {
        TomcatNode t1 = startWithRoute("t1", "t1");
        TomcatNode t2 = startWithRoute("t2", "t2");
        Browser browser = Browser.of(t1, t2);

        String id = browser.body(t1, "/s?op=set&name=user&value=alice");
        assertThat(id).endsWith(".t1");
        String clusterId = id.substring(0, id.length() - ".t1".length());
        assertThat(RedisSessionManager.clusterId(id)).isEqualTo(clusterId);
        assertThat(sessionKeys()).singleElement().asString().endsWith(":s:" + clusterId);

        assertThat(browser.body(t2, "/s?op=get&name=user")).isEqualTo("alice");
        // the suffix is not rewritten by the node that serves it
        assertThat(browser.body(t2, "/s?op=id")).isEqualTo(id);
        assertThat(browser.sessionId()).contains(id);
        browser.body(t2, "/s?op=set&name=user&value=bob");
        assertThat(browser.body(t1, "/s?op=get&name=user")).isEqualTo("bob");
        assertThat(sessionKeys()).singleElement().asString().endsWith(":s:" + clusterId);
    }

    @Test
    void sessionIsFoundWhateverSuffixTheRequestedIdCarries() {
        TomcatNode t1 = startWithRoute("t1", "t1");
        TomcatNode plain = started(node("plain").start()); // no jvmRoute
        Browser browser = Browser.of(t1);
        String id = browser.body(t1, "/s?op=set&name=user&value=alice");
        String clusterId = RedisSessionManager.clusterId(id);

        // as a Jetty node with workerName "jettyA" hands it out, to a node with and one without jvmRoute
        assertThat(getWithCookie(t1, "/s?op=get&name=user", clusterId + ".jettyA")).isEqualTo("alice");
        assertThat(getWithCookie(plain, "/s?op=get&name=user", clusterId + ".jettyA")).isEqualTo("alice");
        assertThat(getWithCookie(plain, "/s?op=get&name=user", clusterId)).isEqualTo("alice");
        assertThat(getWithCookie(t1, "/s?op=id", clusterId + ".jettyA")).isEqualTo(clusterId + ".jettyA");

        // a change made through the foreign suffix lands in the same session
        getWithCookie(plain, "/s?op=set&name=user&value=carol", clusterId + ".jettyA");
        assertThat(browser.body(t1, "/s?op=get&name=user")).isEqualTo("carol");

        // and so does an invalidation
        assertThat(getWithCookie(plain, "/s?op=invalidate", clusterId + ".other")).isEqualTo("invalidated");
        assertThat(browser.body(t1, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(sessionKeys()).isEmpty();
        assertThat(events().destroyed(id)).hasSize(1);
    }

    @Test
    void sessionStoredByJettyUnderItsClusterIdIsFound() {
        TomcatNode t1 = startWithRoute("t1", "t1");
        // what a Jetty node writes: key = cluster id "node0..." (worker name prefix, no suffix)
        String jettyClusterId = "jettyA" + Long.toString(System.nanoTime(), 36);
        var store = new io.redissessions.core.store.RedisSessionStore(t1.manager.getConfig(), namespace,
                java.time.Clock.systemUTC());
        try {
            var state = store.newSession(jettyClusterId, 600);
            state.setAttribute("user", "dora");
            state.save();
        } finally {
            store.close();
        }
        assertThat(getWithCookie(t1, "/s?op=get&name=user", jettyClusterId + ".jettyA")).isEqualTo("dora");
    }

    @Test
    void changedIdKeepsTheRouteInTomcatAndLosesItInRedis() {
        TomcatNode t1 = startWithRoute("t1", "t1");
        TomcatNode t2 = startWithRoute("t2", "t2");
        Browser browser = Browser.of(t1, t2);
        String id = browser.body(t1, "/s?op=set&name=user&value=alice");

        String newId = browser.body(t2, "/s?op=changeId");
        assertThat(newId).endsWith(".t2").isNotEqualTo(id);
        assertThat(browser.sessionId()).contains(newId);
        assertThat(sessionKeys()).singleElement().asString().endsWith(":s:" + RedisSessionManager.clusterId(newId));
        assertThat(browser.body(t1, "/s?op=get&name=user")).isEqualTo("alice");
    }

    @Test
    void expiredSessionIsDestroyedOnceUnderTheClaimingNodesRoute() {
        TomcatNode t1 = startWithRoute("t1", "t1");
        TomcatNode t2 = startWithRoute("t2", "t2");
        Browser browser = Browser.of(t1);
        String id = browser.body(t1, "/s?op=setMaxInactive&value=1");
        String clusterId = RedisSessionManager.clusterId(id);

        Poll.until(Duration.ofSeconds(30), "the session expires by Redis's clock", () -> {
            StoredSession s = t2.contextManager().store().load(clusterId);
            return s == null || s.isExpired();
        });
        t2.backgroundProcess();
        t1.backgroundProcess();

        assertThat(events().destroyed(clusterId)).singleElement()
                .satisfies(e -> assertThat(e.sessionId()).isEqualTo(clusterId + ".t2"));
        assertThat(sessionKeys()).isEmpty();
    }

    @Test
    void clusterIdStripsFromTheLastDotAsJettyDoes() {
        assertThat(RedisSessionManager.clusterId("ABC.n1")).isEqualTo("ABC");
        assertThat(RedisSessionManager.clusterId("ABC")).isEqualTo("ABC");
        assertThat(RedisSessionManager.clusterId("ABC.a.b")).isEqualTo("ABC.a");
        assertThat(RedisSessionManager.clusterId(".hidden")).isEqualTo(".hidden");
        assertThat(RedisSessionManager.clusterId(null)).isNull();
    }

}
