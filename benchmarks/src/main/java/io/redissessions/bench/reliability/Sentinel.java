package io.redissessions.bench.reliability;

import io.redissessions.bench.load.SessionMemory;
import io.redissessions.testing.RedisSentinelGroup;

/** Master, replica and three sentinels (the tests' fixture: down-after 2 s, quorum 2). */
final class Sentinel implements Topology {

    final RedisSentinelGroup group = RedisSentinelGroup.start();

    @Override
    public String uri() {
        return group.uri();
    }

    @Override
    public int sessionKeys(String namespace) {
        return SessionMemory.scan(group.master(), Topology.sessionKeyPattern(namespace)).size();
    }

    @Override
    public void close() {
        group.close();
    }
}
