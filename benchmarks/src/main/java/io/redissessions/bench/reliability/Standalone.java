package io.redissessions.bench.reliability;

import io.redissessions.bench.load.SessionMemory;
import io.redissessions.bench.node.Processes;
import io.redissessions.testing.RedisBinary;
import io.redissessions.testing.RedisServer;

/**
 * One redis-server. With {@code aof}: {@code appendonly yes} and a loading phase made long on
 * purpose ({@code key-load-delay} per key of the RDB base of the AOF, clients answered LOADING
 * meanwhile). DEBUG is enabled (DEBUG SLEEP, DEBUG POPULATE).
 */
final class Standalone implements Topology {

    /** Microseconds of busy wait per key loaded (Redis's key-load-delay). */
    static final int KEY_LOAD_DELAY_MICROS = 200;

    final RedisServer server;

    Standalone(boolean aof) {
        RedisServer.Builder b = RedisServer.builder();
        if (aof) {
            b.set("appendonly", "yes").set("appendfsync", "everysec")
                    .set("key-load-delay", Integer.toString(KEY_LOAD_DELAY_MICROS))
                    .set("loading-process-events-interval-bytes", "1024");
        }
        if (!Processes.run(RedisBinary.redisServer().toString(), "--version").contains("v=6.")) {
            b.set("enable-debug-command", "yes"); // Redis 7 refuses DEBUG without it
        }
        server = b.start();
    }

    @Override
    public String uri() {
        return server.uri();
    }

    @Override
    public int sessionKeys(String namespace) {
        return SessionMemory.scan(server, Topology.sessionKeyPattern(namespace)).size();
    }

    @Override
    public void close() {
        server.close();
    }
}
