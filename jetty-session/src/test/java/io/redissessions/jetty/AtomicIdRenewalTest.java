package io.redissessions.jetty;

import io.redissessions.core.store.IdsInShard;
import io.redissessions.core.store.SessionKeys;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.EventLog;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.TestWebapp;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.ManagedSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session id renewed by Jetty (at login) is renamed in Redis in one atomic script: the new id is
 * made in the old id's shard by {@link RedisSessionIdManager}, nothing is deleted and created again,
 * and an invalidation by another node that races the renewal is never undone.
 */
class AtomicIdRenewalTest {

    private static RedisServer redis;
    private final List<JettyNode> nodes = new ArrayList<>();
    private final SessionKeys keys = new SessionKeys("rs:", "app");
    @TempDir
    Path dir;

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

    private void cluster() {
        for (String name : List.of("nodeA", "nodeB")) {
            nodes.add(JettyNode.builder(name, redis.uri()).login(TestWebapp.Login.FORM)
                    .eventsFile(dir.resolve("events-" + name + ".log")).start());
        }
    }

    private EventLog events() {
        return new EventLog(nodes.stream().map(n -> dir.resolve("events-" + n.name() + ".log")).toList());
    }

    private static SessionHandler sessions(JettyNode node) {
        return node.sessionHandler();
    }

    private boolean stored(String id) {
        return redis.command("EXISTS", keys.sessionKey(id)).endsWith("1");
    }

    @Test
    void loginRenamesTheSessionInOneScriptAndTheNewIdWorksOnTheOtherNode() {
        cluster();
        JettyNode a = nodes.get(0);
        JettyNode b = nodes.get(1);
        Browser browser = new Browser(nodes);
        browser.get(a, "/protected/page"); // the challenge saves the requested URI: the session exists
        String before = browser.clusterId();
        assertThat(stored(before)).isTrue();

        CommandStats start = CommandStats.read(redis);
        browser.post(a, "/j_security_check", TestWebapp.ALICE.loginForm());
        Map<String, Long> commands = CommandStats.read(redis).minus(start);

        String after = browser.clusterId();
        assertThat(after).isNotEqualTo(before);
        assertThat(SessionKeys.shardOf(after)).as("shard of the new id").isEqualTo(SessionKeys.shardOf(before));
        assertThat(commands).as("commands of the login").containsEntry("rename", 1L).doesNotContainKey("del")
                .doesNotContainKey("unlink");
        assertThat(stored(before)).isFalse();
        assertThat(stored(after)).isTrue();
        Reply page = browser.get(b, "/protected/page");
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.body()).startsWith("PROTECTED /protected/page user=alice");
    }

    @Test
    void invalidationByAnotherNodeBeforeTheRenewalIsNeverUndone() {
        cluster();
        JettyNode a = nodes.get(0);
        JettyNode b = nodes.get(1);
        Browser browser = new Browser(nodes);
        browser.body(a, "/s?op=set&name=user&value=alice");
        String oldId = browser.clusterId();
        a.awaitRequestsCompleted();

        ManagedSession heldByA = sessions(a).getManagedSession(oldId); // A's request has the session
        assertThat(heldByA).isNotNull();
        browser.body(b, "/s?op=invalidate"); // logout on B meanwhile: B runs the listeners
        String newId = IdsInShard.generate(() -> sessions(a).getSessionIdManager().newSessionId(null, null, 0),
                SessionKeys.shardOf(oldId));
        try {
            sessions(a).renewSessionId(oldId, oldId + ".nodeA", newId, newId + ".nodeA");
        } finally {
            sessions(a).complete(heldByA);
        }

        assertThat(stored(newId)).as("session under the new id").isFalse();
        assertThat(stored(oldId)).isFalse();
        assertThat(heldByA.isValid()).isFalse();
        assertThat(events().destroyed(oldId)).singleElement().satisfies(e -> assertThat(e.node()).isEqualTo("nodeB"));
        assertThat(events().destroyed(newId)).isEmpty();
        assertThat(sessions(b).getManagedSession(newId)).isNull();
    }
}
