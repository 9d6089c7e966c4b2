package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.jetty.testing.RotatingClient;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.util.thread.AutoLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests of one session on one node share one session object, and a request that picks the
 * object up just as the previous request lets go of it (the object leaves the cache) gets the
 * session loaded again from Redis: never "no session", which would make Jetty create a new, empty
 * session under the requested id. Jetty 12.0.x and 12.1.0 to 12.1.8 return "no session" there
 * themselves; the cache must not rely on the retry of later versions.
 */
class SharedSessionObjectTest {

    private RedisServer redis;
    private JettyNode node;

    @BeforeEach
    void start() {
        redis = RedisServer.startStandalone();
        node = JettyNode.builder("nodeA", redis.uri()).start();
    }

    @AfterEach
    void stop() {
        node.close();
        redis.close();
    }

    private SessionHandler sessions() {
        return ((ServletContextHandler) node.server().getHandler()).getSessionHandler();
    }

    @Test
    void requestThatPicksUpASessionItsLastRequestIsReleasingGetsItAgainFromRedis() throws Exception {
        RotatingClient client = new RotatingClient(List.of(node));
        client.ok(node, "op=set&name=user&value=alice");
        String id = client.sessionId();
        RedisSessionCache cache = (RedisSessionCache) sessions().getSessionCache();
        Poll.until(Duration.ofSeconds(10), "the request has completed", () -> cache.getSessionsInUse() == 0);

        ManagedSession first = sessions().getManagedSession(id);
        CompletableFuture<ManagedSession> second = new CompletableFuture<>();
        Thread picker;
        try (AutoLock ignored = first.lock()) {
            picker = new Thread(() -> {
                try {
                    second.complete(sessions().getManagedSession(id));
                } catch (Throwable t) {
                    second.completeExceptionally(t);
                }
            }, "second-request");
            picker.start();
            // the second request has found the shared object and waits for its lock
            Poll.until(Duration.ofSeconds(10), "the second request waits for the session's lock",
                    () -> picker.getState() == Thread.State.WAITING);
            sessions().complete(first); // the first request completes: the object leaves the cache
        }
        ManagedSession got = second.get(20, TimeUnit.SECONDS);
        try {
            assertThat(got).as("session of the second request").isNotNull().isNotSameAs(first);
            assertThat(got.getId()).isEqualTo(id);
            assertThat(got.getAttribute("user")).isEqualTo("alice");
            assertThat(cache.getSessionsInUse()).isEqualTo(1);
        } finally {
            sessions().complete(got);
        }
    }
}
