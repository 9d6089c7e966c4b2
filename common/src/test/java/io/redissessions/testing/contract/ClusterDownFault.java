package io.redissessions.testing.contract;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisClusterGroup;

import java.time.Duration;

/**
 * {@code -CLUSTERDOWN}: a one-node Redis Cluster (URI {@code redis-cluster://}) that loses one
 * hash slot ({@code CLUSTER DELSLOTS 0}); with {@code cluster-require-full-coverage} (the
 * default) the cluster state turns to fail and every key is answered
 * {@code -CLUSTERDOWN}. The data stays; {@code CLUSTER ADDSLOTS 0} lifts it.
 */
final class ClusterDownFault extends RedisFault {

    private final RedisClusterGroup cluster;

    private ClusterDownFault(RedisClusterGroup cluster) {
        super("CLUSTERDOWN", "CLUSTERDOWN", cluster.nodes().get(0));
        this.cluster = cluster;
    }

    static ClusterDownFault start() {
        return new ClusterDownFault(RedisClusterGroup.start(1));
    }

    @Override
    public String appUri() {
        return cluster.uri();
    }

    @Override
    public void apply(Phase phase) {
        AclFault.ok(server().command("CLUSTER", "DELSLOTS", "0"));
        Poll.until(Duration.ofSeconds(20), "cluster_state:fail",
                () -> server().command("CLUSTER", "INFO").contains("cluster_state:fail"));
    }

    @Override
    public void lift() {
        AclFault.ok(server().command("CLUSTER", "ADDSLOTS", "0"));
        Poll.until(Duration.ofSeconds(20), "cluster_state:ok",
                () -> server().command("CLUSTER", "INFO").contains("cluster_state:ok"));
    }

    @Override
    public void close() {
        cluster.close();
    }
}
