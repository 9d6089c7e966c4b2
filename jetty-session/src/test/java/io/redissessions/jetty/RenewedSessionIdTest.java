package io.redissessions.jetty;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.jetty.testing.RotatingClient;
import io.redissessions.testing.RedisServer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.ManagedSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server whose id manager is Jetty's own makes renewed ids in any shard: the cache then deletes
 * the old session and creates it under the new id (not atomic, see {@link AtomicIdRenewalTest});
 * the data keeps its attributes across it.
 */
class RenewedSessionIdTest {

    private RedisServer redis;
    private JettyNode a;
    private JettyNode b;

    @BeforeEach
    void start() {
        redis = RedisServer.startStandalone();
        a = JettyNode.builder("nodeA", redis.uri()).jettyIdManager().start();
        b = JettyNode.builder("nodeB", redis.uri()).jettyIdManager().start();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        redis.close();
    }

    private static SessionHandler sessions(JettyNode node) {
        return ((ServletContextHandler) node.server().getHandler()).getSessionHandler();
    }

    @Test
    void renewedIdOfAnotherShardCarriesEveryAttributeAndTheOldIdIsGone() {
        RotatingClient client = new RotatingClient(List.of(a, b));
        client.ok(a, "op=set&name=user&value=alice");
        client.ok(a, "op=cart-add&value=apple");
        String oldId = client.sessionId();
        String newId = "renewed" + Long.toHexString(System.nanoTime());

        sessions(a).renewSessionId(oldId, oldId + ".nodeA", newId, newId + ".nodeA");

        SessionKeys keys = new SessionKeys("rs:", "app");
        assertThat(redis.command("EXISTS", keys.sessionKey(oldId))).endsWith("0");
        ManagedSession renewed = sessions(b).getManagedSession(newId);
        try {
            assertThat(renewed).isNotNull();
            assertThat(renewed.getAttribute("user")).isEqualTo("alice");
            assertThat(renewed.getAttribute("cart")).isEqualTo(List.of("apple"));
        } finally {
            sessions(b).complete(renewed);
        }
        assertThat(sessions(b).getManagedSession(oldId)).isNull();
    }
}
