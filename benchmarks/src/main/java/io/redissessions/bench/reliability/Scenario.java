package io.redissessions.bench.reliability;

import java.util.Map;
import java.util.function.Supplier;

/**
 * One row of the reliability table: a Redis deployment, the nodes' settings, the fault, and what
 * its target allows.
 *
 * @param name the id used by {@code --scenarios}
 * @param title the fault as the table names it
 * @param lossAllowed acknowledged writes lost by Redis itself (asynchronous replication in a
 *        failover) are allowed by the target, but counted
 * @param latencyBoundMillis no answer may take longer
 */
record Scenario(String name, String title, Supplier<Topology> topology, Map<String, String> settings, Fault fault,
                int sessions, int clients, boolean lossAllowed, long latencyBoundMillis) {
}
