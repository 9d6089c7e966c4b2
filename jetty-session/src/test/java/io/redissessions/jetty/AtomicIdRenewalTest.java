package io.redissessions.jetty;

import io.redissessions.core.store.IdsInShard;
import io.redissessions.core.store.SessionKeys;
import io.redissessions.jetty.testing.Browser;
import io.redissessions.jetty.testing.ContainerLogin;
import io.redissessions.jetty.testing.DestroyLog;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.jetty.testing.RotatingClient;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.RedisServer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.ManagedSession;
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
 * A session id renewed by Jetty (at login) is renamed in Redis in one atomic script: the new id is
 * made in the old id's shard by {@link RedisSessionIdManager}, nothing is deleted and created again,
 * and an invalidation by another node that races the renewal is never undone.
 */
class AtomicIdRenewalTest {

    private static RedisServer redis;
    private final List<JettyNode> nodes = new ArrayList<>();
    private final DestroyLog destroyed = new DestroyLog();
    private final SessionKeys keys = new SessionKeys("rs:", "app");

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
            nodes.add(JettyNode.builder(name, redis.uri()).destroyLog(destroyed).context(ContainerLogin.form()).start());
        }
    }

    private static SessionHandler sessions(JettyNode node) {
        return ((ServletContextHandler) node.server().getHandler()).getSessionHandler();
    }

    private boolean stored(String id) {
        return redis.command("EXISTS", keys.sessionKey(id)).endsWith("1");
    }

    @Test
    void loginRenamesTheSessionInOneScriptAndTheNewIdWorksOnTheOtherNode() {
        cluster();
        JettyNode a = nodes.get(0);
        JettyNode b = nodes.get(1);
        Browser browser = new Browser();
        browser.get(a, "/secure/page"); // the challenge saves the requested URI: the session exists
        String before = browser.sessionId();
        assertThat(stored(before)).isTrue();

        CommandStats start = CommandStats.read(redis);
        browser.post(a, "/j_security_check", Map.of("j_username", "alice", "j_password", ContainerLogin.ALICE_PASSWORD));
        Map<String, Long> commands = CommandStats.read(redis).minus(start);

        String after = browser.sessionId();
        assertThat(after).isNotEqualTo(before);
        assertThat(SessionKeys.shardOf(after)).as("shard of the new id").isEqualTo(SessionKeys.shardOf(before));
        assertThat(commands).as("commands of the login").containsEntry("rename", 1L).doesNotContainKey("del")
                .doesNotContainKey("unlink");
        assertThat(stored(before)).isFalse();
        assertThat(stored(after)).isTrue();
        Browser.Page page = browser.get(b, "/secure/page");
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.body()).startsWith("/secure/page of alice");
    }

    @Test
    void invalidationByAnotherNodeBeforeTheRenewalIsNeverUndone() {
        cluster();
        JettyNode a = nodes.get(0);
        JettyNode b = nodes.get(1);
        RotatingClient client = new RotatingClient(nodes);
        client.ok(a, "op=set&name=user&value=alice");
        String oldId = client.sessionId();

        ManagedSession heldByA = sessions(a).getManagedSession(oldId); // A's request has the session
        assertThat(heldByA).isNotNull();
        client.ok(b, "op=invalidate"); // logout on B meanwhile: B runs the listeners
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
        assertThat(destroyed.callsFor(oldId)).hasSize(1).first().satisfies(c -> assertThat(c.node()).isEqualTo("nodeB"));
        assertThat(destroyed.callsFor(newId)).isEmpty();
        assertThat(sessions(b).getManagedSession(newId)).isNull();
    }
}
