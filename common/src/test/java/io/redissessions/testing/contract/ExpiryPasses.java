package io.redissessions.testing.contract;

import io.redissessions.core.store.StoreMetrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Expiry passes of several nodes, run by the test as the nodes' background threads would run them
 * (Tomcat's background processor, Jetty's HouseKeeper), with the proof that each one completed:
 * the node's {@code expiryPasses} counter, which counts a pass only when Redis answered it.
 */
public final class ExpiryPasses {

    /** One running node: how it runs one pass, and its counters. */
    public record Node(String name, Runnable pass, StoreMetrics metrics) {
    }

    private ExpiryPasses() {
    }

    /**
     * Runs {@code passes} rounds, each node's pass of a round on its own thread at the same time,
     * and fails unless every node's counter grew by exactly {@code passes}.
     */
    public static void run(int passes, List<Node> nodes) {
        List<Long> before = nodes.stream().map(n -> n.metrics().getExpiryPasses()).toList();
        for (int i = 0; i < passes; i++) {
            List<Runnable> round = new ArrayList<>();
            nodes.forEach(n -> round.add(n.pass()));
            Concurrently.runAll(round, "an expiry pass of " + nodes.size() + " nodes");
        }
        for (int k = 0; k < nodes.size(); k++) {
            long completed = nodes.get(k).metrics().getExpiryPasses() - before.get(k);
            if (completed != passes) {
                throw new AssertionError("node " + nodes.get(k).name() + " completed " + completed + " of " + passes
                        + " expiry passes (a pass that Redis failed is not counted): " + nodes.get(k).metrics());
            }
        }
    }
}
