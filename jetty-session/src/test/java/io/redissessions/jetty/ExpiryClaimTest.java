package io.redissessions.jetty;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.EventLog;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
    private final SessionKeys keys = new SessionKeys("rs:", "app");
    /** The events of the webapp's listeners on the nodes that do not fail. */
    private EventLog destroyed;
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
        destroyed = new EventLog(List.of(dir.resolve("events-nodeB.log")));
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(JettyNode::close);
    }

    /**
     * A node whose sessionDestroyed listeners are {@code listener} (a claimer that fails in it) and
     * the webapp's own, which logs nothing here (no events file).
     */
    private JettyNode failingNode(String name, HttpSessionListener listener) {
        JettyNode node = JettyNode.builder(name, redis.uri()).store(f -> f.setSetting("expiryClaimLeaseSeconds", "1"))
                .context(c -> c.addEventListener(listener)).start();
        nodes.add(node);
        return node;
    }

    private JettyNode node(String name) {
        JettyNode node = JettyNode.builder(name, redis.uri()).eventsFile(dir.resolve("events-" + name + ".log"))
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
        Browser browser = Browser.of(node);
        browser.body(node, "/s?op=set&name=user&value=alice");
        browser.body(node, "/s?op=setMaxInactive&value=1");
        return browser.clusterId();
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
            return !destroyed.destroyed(id).isEmpty();
        });
        assertThat(destroyed.destroyed(id)).singleElement().satisfies(e -> {
            assertThat(e.node()).isEqualTo("nodeB");
            assertThat(e.detail()).isEqualTo("{user=alice}");
        });
        assertThat(redis.command("EXISTS", keys.sessionKey(id))).endsWith("0");
        b.scavenge();
        assertThat(destroyed.destroyed(id)).hasSize(1);
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
        assertThat(destroyed.destroyed(id)).isEmpty();
        assertThat(calls.get()).isEqualTo(1);
    }
}
