package io.redissessions.tomcat;

import io.redissessions.testing.RawHttp;
import io.redissessions.testing.RedisServer;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default namespace (no {@code namespace} setting) separates what Tomcat separates (#10
 * item 3): webapps of different {@code <Host>}s, and context paths that differ only in characters
 * that a key cannot hold. Each test uses its own Redis, since derived namespaces do not carry a
 * test's random name.
 */
class HostNamespaceTest {

    private static RedisServer redis;
    private final List<SecureTomcat> tomcats = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void stopTomcats() {
        tomcats.forEach(SecureTomcat::close);
        redis.command("FLUSHALL");
    }

    private SecureTomcat tomcat(String name) {
        SecureTomcat t = new SecureTomcat(name);
        tomcats.add(t);
        return t;
    }

    private static String sessionWith(SecureTomcat t, String host, String path) {
        RawHttp.Response r = t.get(host, path + "/s?op=set&name=user&value=alice", null);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    private static String user(SecureTomcat t, String host, String path, String sessionId) {
        return t.get(host, path + "/s?op=get&name=user", sessionId).body();
    }

    @Test
    void rootWebappsOfTwoHostsDoNotShareSessions() {
        SecureTomcat t = tomcat("hosts");
        Host a = t.host("tenant-a.example");
        Host b = t.host("tenant-b.example");
        Context ca = t.context(a, "", redis.uri(), SecureTomcat.Login.NONE, m -> { });
        Context cb = t.context(b, "", redis.uri(), SecureTomcat.Login.NONE, m -> { });
        t.start();
        String alice = sessionWith(t, "tenant-a.example", "");

        assertThat(user(t, "tenant-a.example", "", alice)).isEqualTo("alice");
        assertThat(user(t, "tenant-b.example", "", alice)).isEqualTo("no session");
        assertThat(((RedisSessionManager) ca.getManager()).store().keys().namespace()).isEqualTo("ROOT@tenant-a.example");
        assertThat(((RedisSessionManager) cb.getManager()).store().keys().namespace()).isEqualTo("ROOT@tenant-b.example");
    }

    @Test
    void theDefaultHostKeepsTheNamespaceOfTheContextPath() {
        SecureTomcat t = tomcat("default-host");
        Context root = t.context(t.defaultHost(), "", redis.uri(), SecureTomcat.Login.NONE, m -> { });
        Context shop = t.context(t.defaultHost(), "/shop", redis.uri(), SecureTomcat.Login.NONE, m -> { });
        Context nested = t.context(t.defaultHost(), "/a/b", redis.uri(), SecureTomcat.Login.NONE, m -> { });
        t.start();

        assertThat(((RedisSessionManager) root.getManager()).store().keys().namespace()).isEqualTo("ROOT");
        assertThat(((RedisSessionManager) shop.getManager()).store().keys().namespace()).isEqualTo("shop");
        assertThat(((RedisSessionManager) nested.getManager()).store().keys().namespace()).isEqualTo("a#b");
    }

    @Test
    void hostsShareSessionsWhenTheyAreGivenTheSameNamespace() {
        SecureTomcat t = tomcat("shared");
        Host a = t.host("tenant-a.example");
        Host b = t.host("www.tenant-a.example");
        t.context(a, "", redis.uri(), SecureTomcat.Login.NONE, m -> m.setNamespace("tenant-a"));
        t.context(b, "", redis.uri(), SecureTomcat.Login.NONE, m -> m.setNamespace("tenant-a"));
        t.start();
        String alice = sessionWith(t, "tenant-a.example", "");

        assertThat(user(t, "www.tenant-a.example", "", alice)).isEqualTo("alice");
    }

    @Test
    void contextPathsThatDifferOnlyInCharactersAKeyCannotHoldDoNotShareSessions() {
        SecureTomcat t = tomcat("paths");
        // Tomcat cannot deploy a path with ':' (its JMX names refuse it); Jetty can, see jetty-session
        String[] paths = {"/a_b", "/a b", "/a{b", "/ROOT", ""};
        List<Context> contexts = new ArrayList<>();
        for (String p : paths) {
            contexts.add(t.context(t.defaultHost(), p, redis.uri(), SecureTomcat.Login.NONE, m -> { }));
        }
        t.start();
        String alice = sessionWith(t, "localhost", "/a_b");

        assertThat(user(t, "localhost", "/a_b", alice)).isEqualTo("alice");
        assertThat(user(t, "localhost", "/a%20b", alice)).isEqualTo("no session");
        assertThat(user(t, "localhost", "/a%7Bb", alice)).isEqualTo("no session");
        String root = sessionWith(t, "localhost", "");
        assertThat(user(t, "localhost", "/ROOT", root)).isEqualTo("no session");
        assertThat(contexts.stream().map(c -> ((RedisSessionManager) c.getManager()).store().keys().namespace())
                .distinct().count()).isEqualTo(paths.length);
    }

    @Test
    void twoContextsOfOneNodeThatDeriveTheSameNamespaceRefuseToStart() {
        SecureTomcat t = tomcat("services");
        Context first = t.context(t.defaultHost(), "", redis.uri(), SecureTomcat.Login.NONE, m -> { });
        Context second = t.context(t.defaultHostOfAnotherService("second"), "", redis.uri(),
                SecureTomcat.Login.NONE, m -> { });
        Context explicit = t.context(t.defaultHostOfAnotherService("third"), "", redis.uri(),
                SecureTomcat.Login.NONE, m -> m.setNamespace("ROOT"));
        t.start();

        assertThat(first.getState()).isEqualTo(LifecycleState.STARTED);
        assertThat(second.getState()).isNotEqualTo(LifecycleState.STARTED);
        assertThat(explicit.getState()).as("sharing set on purpose").isEqualTo(LifecycleState.STARTED);
    }
}
