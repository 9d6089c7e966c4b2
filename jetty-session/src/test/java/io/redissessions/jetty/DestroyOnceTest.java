package io.redissessions.jetty;

import io.redissessions.jetty.testing.DestroyLog;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.jetty.testing.RotatingClient;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.ManagedSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sessionDestroyed} and {@code valueUnbound} run only on the node whose delete removed the
 * session from Redis: a logout that reaches two nodes at once (a double click behind a non-sticky
 * balancer) destroys the session once, not once per node.
 */
class DestroyOnceTest {

    /** An attribute that counts its {@code valueUnbound} calls, per tag. */
    public static final class UnbindCounter implements HttpSessionBindingListener {
        static final Map<String, AtomicInteger> UNBOUND = new ConcurrentHashMap<>();

        private String tag;

        public UnbindCounter() {
        }

        UnbindCounter(String tag) {
            this.tag = tag;
        }

        public String getTag() {
            return tag;
        }

        public void setTag(String tag) {
            this.tag = tag;
        }

        static int unbound(String tag) {
            AtomicInteger n = UNBOUND.get(tag);
            return n == null ? 0 : n.get();
        }

        @Override
        public void valueUnbound(HttpSessionBindingEvent event) {
            UNBOUND.computeIfAbsent(tag, t -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static RedisServer redis;
    private final List<JettyNode> nodes = new ArrayList<>();
    private final DestroyLog destroyed = new DestroyLog();

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

    private JettyNode node(String name) {
        JettyNode node = JettyNode.builder(name, redis.uri()).destroyLog(destroyed)
                .store(f -> f.setAllowedClasses("WebappToken, " + UnbindCounter.class.getName())).start();
        nodes.add(node);
        return node;
    }

    private static SessionHandler sessions(JettyNode node) {
        return ((ServletContextHandler) node.server().getHandler()).getSessionHandler();
    }

    /**
     * What a request does: takes the session (loading it from Redis), acts, completes (saving it).
     * It waits until the node's earlier requests have let go of the session (a client has the
     * response before its request completes on the server), so that this one saves on completion.
     */
    private static void inRequest(JettyNode node, String id, java.util.function.Consumer<ManagedSession> action) {
        RedisSessionCache cache = (RedisSessionCache) sessions(node).getSessionCache();
        Poll.until(Duration.ofSeconds(10), "earlier requests on " + node + " complete", () -> cache.getSessionsInUse() == 0);
        ManagedSession session = sessions(node).getManagedSession(id);
        assertThat(session).as("session on " + node).isNotNull();
        try {
            action.accept(session);
        } finally {
            sessions(node).complete(session);
        }
    }

    private static long sessionKeys() {
        return redis.command("KEYS", "rs:*:s:*").lines().filter(l -> !l.isBlank()).count();
    }

    @Test
    void sessionInvalidatedOnTwoNodesAtOnceIsDestroyedAndUnboundOnce() throws Exception {
        JettyNode a = node("nodeA");
        JettyNode b = node("nodeB");
        RotatingClient client = new RotatingClient(List.of(a, b));
        client.ok(a, "op=set&name=user&value=alice");
        String id = client.sessionId();
        inRequest(a, id, s -> s.setAttribute("unbind", new UnbindCounter(id)));

        // two requests of one logout, one per node: both have loaded the session before either invalidates
        ManagedSession onA = sessions(a).getManagedSession(id);
        ManagedSession onB = sessions(b).getManagedSession(id);
        assertThat(onA).isNotNull();
        assertThat(onB).isNotNull();
        CyclicBarrier together = new CyclicBarrier(2);
        CompletableFuture<Void> logoutA = CompletableFuture.runAsync(() -> invalidateWhenBothAreThere(onA, together));
        CompletableFuture<Void> logoutB = CompletableFuture.runAsync(() -> invalidateWhenBothAreThere(onB, together));
        CompletableFuture.allOf(logoutA, logoutB).get(30, TimeUnit.SECONDS);
        sessions(a).complete(onA);
        sessions(b).complete(onB);

        assertThat(destroyed.callsFor(id)).as("sessionDestroyed calls").hasSize(1).first()
                .satisfies(c -> assertThat(c.attributes()).containsEntry("user", "alice"));
        assertThat(UnbindCounter.unbound(id)).as("valueUnbound calls").isEqualTo(1);
        assertThat(sessionKeys()).isZero();
        assertThat(onA.isValid()).isFalse();
        assertThat(onB.isValid()).isFalse();
        for (JettyNode node : List.of(a, b)) {
            assertThat(client.ok(node, "op=get&name=user")).isEqualTo("no-session");
        }
    }

    private static void invalidateWhenBothAreThere(ManagedSession session, CyclicBarrier together) {
        try {
            together.await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        session.invalidate();
    }

    @Test
    void sessionInvalidatedAgainOnAnotherNodeAfterItWasDestroyedFiresNothingThere() {
        JettyNode a = node("nodeA");
        JettyNode b = node("nodeB");
        RotatingClient client = new RotatingClient(List.of(a, b));
        client.ok(a, "op=set&name=user&value=alice");
        String id = client.sessionId();

        ManagedSession staleOnB = sessions(b).getManagedSession(id);
        client.ok(a, "op=invalidate");
        assertThat(destroyed.callsFor(id)).hasSize(1).first().satisfies(c -> assertThat(c.node()).isEqualTo("nodeA"));

        staleOnB.invalidate(); // B's request held the session from before; A's delete removed it
        sessions(b).complete(staleOnB);
        assertThat(staleOnB.isValid()).isFalse();
        assertThat(destroyed.callsFor(id)).hasSize(1);
    }

    @Test
    void newSessionInvalidatedInTheRequestThatCreatedItIsDestroyed() {
        JettyNode a = node("nodeA");
        SessionHandler handler = sessions(a);
        List<ManagedSession> created = new ArrayList<>();
        handler.newSession(null, null, created::add);
        ManagedSession session = created.get(0);
        session.setAttribute("unbind", new UnbindCounter(session.getId()));

        session.invalidate(); // never saved: nobody else knows it, this node destroys it

        assertThat(destroyed.callsFor(session.getId())).hasSize(1);
        assertThat(UnbindCounter.unbound(session.getId())).isEqualTo(1);
        assertThat(sessionKeys()).isZero();
    }
}
