package io.redissessions.testing.contract;

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

    /** The nodes' time: a test clock if the container takes one, else real time. */
    TestTime time();

    /**
     * Returns once every running node has completed {@code passes} expiry passes (claiming expired
     * sessions from Redis and running their listeners) that began after this call. The nodes of
     * one call run their passes at the same time, as nodes of a real cluster would.
     */
    void awaitExpiryPasses(int passes);

    /** The Redis round trips node {@code k}'s store has made so far (its JMX counter). */
    long roundTrips(int k);

    /** Stops node {@code k} as an operator would; its sessions stay in Redis. */
    void stopNode(int k);

    /** Stops every node and removes what the cluster wrote to disk. */
    @Override
    void close();
}
