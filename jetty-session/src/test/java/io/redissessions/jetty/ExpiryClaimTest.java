package io.redissessions.jetty;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.jetty.testing.DestroyLog;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.jetty.testing.RotatingClient;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An expired session claimed by a node's scavenge is deleted only after its listeners ran there:
 * a claimer that dies in between leaves the session to the next claimer once its lease
 * ({@code expiryClaimLeaseSeconds}) runs out, so the listeners still run once across the cluster.
 */
class ExpiryClaimTest {

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

    /** A node whose only sessionDestroyed listener is {@code listener} (a claimer that fails in it). */
    private JettyNode failingNode(String name, HttpSessionListener listener) {
        JettyNode node = JettyNode.builder(name, redis.uri()).store(f -> f.setSetting("expiryClaimLeaseSeconds", "1"))
                .context(c -> c.addEventListener(listener)).start();
        nodes.add(node);
        return node;
    }

    private JettyNode node(String name) {
        JettyNode node = JettyNode.builder(name, redis.uri()).destroyLog(destroyed)
                .store(f -> f.setSetting("expiryClaimLeaseSeconds", "1")).start();
        nodes.add(node);
        return node;
    }

    /** Redis's clock, which decides when a lease runs out. */
    private static long redisMillis() {
        List<String> time = redis.command("TIME").lines().filter(l -> !l.isBlank()).toList();
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    /** A session of one attribute that expires a second after its last request. */
    private String expiringSession(JettyNode node) {
        RotatingClient client = new RotatingClient(List.of(node));
        client.ok(node, "op=set&name=user&value=alice");
        client.ok(node, "op=max-inactive&value=1");
        return client.sessionId();
    }

    @Test
    void claimerThatDiesInTheListenersLeavesTheSessionToAnotherNodeWhichFiresThemOnce() {
        AtomicInteger entered = new AtomicInteger();
        JettyNode a = failingNode("nodeA", new HttpSessionListener() {
            @Override
            public void sessionDestroyed(HttpSessionEvent se) {
                entered.incrementAndGet();
                throw new AssertionError("node A dies in its sessionDestroyed listener"); // an Error: Jetty lets it through
            }
        });
        JettyNode b = node("nodeB");
        String id = expiringSession(a);

        Poll.until(Duration.ofSeconds(20), "node A claims the expired session and dies in its listener", () -> {
            try {
                a.scavenge();
            } catch (AssertionError died) {
                return true;
            }
            return entered.get() > 0;
        });
        assertThat(redis.command("EXISTS", keys.sessionKey(id))).as("session left for the next claimer").endsWith("1");

        Poll.until(Duration.ofSeconds(20), "node B claims the session once A's lease has run out", () -> {
            b.scavenge();
            return !destroyed.callsFor(id).isEmpty();
        });
        assertThat(destroyed.callsFor(id)).singleElement().satisfies(c -> {
            assertThat(c.node()).isEqualTo("nodeB");
            assertThat(c.attributes()).containsEntry("user", "alice");
        });
        assertThat(redis.command("EXISTS", keys.sessionKey(id))).endsWith("0");
        b.scavenge();
        assertThat(destroyed.callsFor(id)).hasSize(1);
    }

    @Test
    void listenerThatThrowsCostsTheSessionItsListenersOnceAndNoOtherNodeFiresThemAgain() {
        AtomicInteger calls = new AtomicInteger();
        JettyNode a = failingNode("nodeA", new HttpSessionListener() {
            @Override
            public void sessionDestroyed(HttpSessionEvent se) {
                calls.incrementAndGet();
                throw new IllegalStateException("listener of node A fails");
            }
        });
        JettyNode b = node("nodeB");
        String id = expiringSession(a);

        Poll.until(Duration.ofSeconds(20), "node A expires the session", () -> {
            a.scavenge();
            return calls.get() > 0;
        });
        assertThat(redis.command("EXISTS", keys.sessionKey(id))).as("deleted after the listeners").endsWith("0");
        long leaseEnd = redisMillis() + 1500;
        Poll.until(Duration.ofSeconds(20), "a pass of node B after A's lease would have run out", () -> {
            b.scavenge();
            return redisMillis() > leaseEnd;
        });
        b.scavenge();
        assertThat(destroyed.callsFor(id)).isEmpty();
        assertThat(calls.get()).isEqualTo(1);
    }
}
