package io.redissessions.testing.contract;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;

import java.time.Duration;
import java.util.List;

/**
 * The nodes' Redis turned into a replica, as when a failover demotes the primary the nodes still
 * point at. A second server replicates the first from the start; the fault promotes it
 * ({@code REPLICAOF NO ONE}) and makes the nodes' server its replica, which then holds the same
 * data.
 * <ul>
 *   <li>READONLY: reads work, every write (the save script) is answered {@code -READONLY}; a
 *       load cannot meet it, so this fault is for saves only.</li>
 *   <li>MASTERDOWN: the new primary is killed as well and the replica has
 *       {@code replica-serve-stale-data no}: every command is answered {@code -MASTERDOWN}.</li>
 * </ul>
 * Lifting it makes the nodes' server a primary again ({@code REPLICAOF NO ONE}), with its data.
 */
final class ReplicaFault extends RedisFault {

    private final boolean masterDown;
    private final RedisServer server;
    private final RedisServer other;

    private ReplicaFault(String name, boolean masterDown) {
        super(name, name, RedisServer.builder().set("repl-diskless-sync-delay", "0").start());
        this.masterDown = masterDown;
        this.server = server();
        this.other = RedisServer.builder().set("repl-diskless-sync-delay", "0")
                .set("replicaof", "127.0.0.1 " + server.port()).start();
    }

    static ReplicaFault readonly() {
        return new ReplicaFault("READONLY", false);
    }

    static ReplicaFault masterdown() {
        return new ReplicaFault("MASTERDOWN", true);
    }

    @Override
    public void apply(Phase phase) {
        // the replica has every write so far: WAIT counts the replicas that acknowledged the
        // writes of its own connection, so that connection writes first (a write after all others)
        Poll.until(Duration.ofSeconds(20), "the second server replicates the first",
                () -> other.command("INFO", "replication").contains("master_link_status:up"));
        String acked = server.commands(List.of(new String[] {"INCR", "replica-fault-marker"},
                new String[] {"WAIT", "1", "10000"})).get(1);
        if (!acked.equals(":1")) {
            throw new IllegalStateException("the replica did not acknowledge the writes: " + acked);
        }
        AclFault.ok(other.command("REPLICAOF", "NO", "ONE"));
        AclFault.ok(server.command("REPLICAOF", "127.0.0.1", Integer.toString(other.port())));
        Poll.until(Duration.ofSeconds(20), "the nodes' server is a replica in sync",
                () -> server.command("INFO", "replication").contains("master_link_status:up"));
        if (masterDown) {
            AclFault.ok(server.command("CONFIG", "SET", "replica-serve-stale-data", "no"));
            other.kill();
            Poll.until(Duration.ofSeconds(20), "the replica has lost its primary",
                    () -> server.command("INFO", "replication").contains("master_link_status:down"));
        }
    }

    @Override
    public void lift() {
        AclFault.ok(server.command("REPLICAOF", "NO", "ONE"));
        AclFault.ok(server.command("CONFIG", "SET", "replica-serve-stale-data", "yes"));
    }

    @Override
    public void close() {
        other.close();
        server.close();
    }
}
