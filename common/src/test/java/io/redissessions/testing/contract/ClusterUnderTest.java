package io.redissessions.testing.contract;

import io.redissessions.core.store.StoreMetrics;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.EventLog;
import io.redissessions.testing.web.WebNode;

import java.util.List;

/**
 * N nodes of one container on one namespace, each serving the test webapp
 * ({@link io.redissessions.testing.web.TestWebapp}) at {@code /app} with the Redis store
 * configured from a {@link ClusterSpec}, as a user would configure it. What the container contract
 * needs from a container, and nothing else; a container provides it through
 * {@link ContainerUnderTest#start}.
 */
public interface ClusterUnderTest extends AutoCloseable {

    ClusterSpec spec();

    /** The nodes, in order; a stopped node stays in the list. */
    List<? extends WebNode> nodes();

    default WebNode node(int k) {
        return nodes().get(k);
    }

    /** A new browser rotating over all nodes, with an empty cookie jar. */
    default Browser browser() {
        return new Browser(nodes());
    }

    /** The session events of every node (sessionCreated, sessionDestroyed, valueUnbound). */
    EventLog events();

    /**
     * Runs {@code passes} expiry passes on every running node (claiming expired sessions from Redis
     * and running their listeners), as the container's own background thread would run them: the
     * nodes of one round at the same time, as nodes of a real cluster would. Returns when they are
     * done, and fails unless each node's {@code expiryPasses} counter says that every pass
     * completed (a pass that Redis failed is not counted). Expiry is decided by Redis's clock: the
     * test waits for Redis's time first, never for the nodes'.
     */
    void runExpiryPasses(int passes);

    /** The counters of node {@code k}'s store (what its JMX view shows): round trips, expiry passes, ... */
    StoreMetrics metrics(int k);

    /** Stops node {@code k} as an operator would; its sessions stay in Redis. */
    void stopNode(int k);

    /** Stops every node and removes what the cluster wrote to disk. */
    @Override
    void close();
}
