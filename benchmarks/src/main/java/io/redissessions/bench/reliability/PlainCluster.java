package io.redissessions.bench.reliability;

import io.redissessions.bench.load.SessionMemory;
import io.redissessions.testing.RedisClusterGroup;
import io.redissessions.testing.RedisServer;

/** Three masters without replicas (the tests' fixture), the seeds of the partition scenario. */
final class PlainCluster implements Topology {

    final RedisClusterGroup group = RedisClusterGroup.start();

    @Override
    public String uri() {
        return group.uri();
    }

    @Override
    public int sessionKeys(String namespace) {
        int n = 0;
        for (RedisServer s : group.nodes()) {
            n += SessionMemory.scan(s, Topology.sessionKeyPattern(namespace)).size();
        }
        return n;
    }

    @Override
    public void close() {
        group.close();
    }
}
