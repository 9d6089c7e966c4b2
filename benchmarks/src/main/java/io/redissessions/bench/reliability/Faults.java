package io.redissessions.bench.reliability;

import io.redissessions.bench.node.Processes;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The faults of the reliability table, each on the topology it needs. */
final class Faults {

    private Faults() {
    }

    /** {@code SENTINEL FAILOVER}; over when every sentinel reports the new master. */
    static Fault sentinelFailover() {
        return (t, load) -> {
            Sentinel s = (Sentinel) t;
            int old = s.group.masterPort();
            long start = load.now();
            RedisServer master = s.group.failover(Duration.ofSeconds(60));
            return new Fault.Times(start, load.now(), "master :" + old + " -> :" + master.port());
        };
    }

    /** {@code kill -9} of the master serving most session shards; over when its replica is master. */
    static Fault clusterPrimaryKill() {
        return (t, load) -> {
            ReplicatedCluster c = (ReplicatedCluster) t;
            Map.Entry<ReplicatedCluster.ClusterNode, List<Integer>> busiest = c.busiestMaster(NodeSet.NAMESPACE);
            ReplicatedCluster.ClusterNode victim = busiest.getKey();
            ReplicatedCluster.ClusterNode replica = c.view().stream().filter(n -> victim.id().equals(n.masterId()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("master :" + victim.port() + " has no replica"));
            RedisServer promoted = c.server(replica.port());
            long start = load.now();
            c.server(victim.port()).kill();
            Poll.until(Duration.ofSeconds(60), "replica :" + replica.port() + " is master of a healthy cluster", () ->
                    promoted.command("ROLE").startsWith("master") && promoted.command("CLUSTER", "INFO").contains("cluster_state:ok"));
            return new Fault.Times(start, load.now(), "killed master :" + victim.port() + " (" + busiest.getValue().size()
                    + " of 16 session shards), replica :" + replica.port() + " promoted");
        };
    }

    /**
     * {@code redis-cli --cluster reshard} from the master serving most session shards to another
     * master, of as many of its slots (lowest first, as redis-cli takes them) as it takes to move
     * all its session shards.
     */
    static Fault clusterReshard() {
        return (t, load) -> {
            ReplicatedCluster c = (ReplicatedCluster) t;
            Map.Entry<ReplicatedCluster.ClusterNode, List<Integer>> busiest = c.busiestMaster(NodeSet.NAMESPACE);
            ReplicatedCluster.ClusterNode from = busiest.getKey();
            ReplicatedCluster.ClusterNode to = c.view().stream().filter(n -> n.master() && !n.id().equals(from.id()))
                    .findFirst().orElseThrow();
            int highest = busiest.getValue().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int count = from.slots().get(0, highest + 1).cardinality();
            long start = load.now();
            Processes.run("timeout", "180", "redis-cli", "--cluster", "reshard", "127.0.0.1:" + from.port(),
                    "--cluster-from", from.id(), "--cluster-to", to.id(), "--cluster-slots", Integer.toString(count),
                    "--cluster-yes");
            return new Fault.Times(start, load.now(), "moved " + count + " slots :" + from.port() + " -> :" + to.port()
                    + ", " + busiest.getValue().size() + " of 16 session shards among them");
        };
    }

    /**
     * SIGTERM, 3 s down, start again with AOF: before, {@code padding} keys are added and the AOF
     * rewritten, so that its RDB base loads slowly (key-load-delay); over when Redis answers PING.
     */
    static Fault restartWithAof(int padding) {
        return (t, load) -> {
            Standalone s = (Standalone) t;
            s.server.command("DEBUG", "POPULATE", Integer.toString(padding), "padding", "16");
            s.server.command("BGREWRITEAOF");
            Poll.until(Duration.ofSeconds(60), "the AOF rewrite is done", () -> {
                String info = s.server.command("INFO", "persistence");
                return info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0");
            });
            long start = load.now();
            s.server.stop();
            long down = load.now();
            LoadClient.pause(3000);
            long restart = load.now();
            s.server.start(); // returns when PING answers PONG: loaded
            long ready = load.now();
            return new Fault.Times(start, ready, String.format("stopped in %.1f s, down 3 s, loading took %.1f s"
                    + " (%d padding keys, key-load-delay %d µs)", (down - start) / 1000.0, (ready - restart) / 1000.0,
                    padding, Standalone.KEY_LOAD_DELAY_MICROS));
        };
    }

    /** SIGSTOP, {@code seconds}, SIGCONT. */
    static Fault stall(int seconds) {
        return (t, load) -> {
            Standalone s = (Standalone) t;
            long start = load.now();
            Processes.signal(s.server.pid(), "STOP");
            try {
                LoadClient.pause(seconds * 1000L);
            } finally {
                Processes.signal(s.server.pid(), "CONT");
            }
            return new Fault.Times(start, load.now(), "SIGSTOP " + seconds + " s, SIGCONT");
        };
    }

    /** {@code DEBUG SLEEP seconds}: Redis answers nothing meanwhile, then everything queued. */
    static Fault debugSleep(double seconds) {
        return (t, load) -> {
            Standalone s = (Standalone) t;
            long start = load.now();
            String reply = s.server.command("DEBUG", "SLEEP", Double.toString(seconds));
            return new Fault.Times(start, load.now(), "DEBUG SLEEP " + seconds + " s: " + reply);
        };
    }

    /** Every reply of Redis held back {@code delayMillis} for {@code seconds}. */
    static Fault slowReplies(long delayMillis, int seconds) {
        return (t, load) -> {
            SlowProxy p = (SlowProxy) t;
            long start = load.now();
            p.delayMillis = delayMillis;
            try {
                LoadClient.pause(seconds * 1000L);
            } finally {
                p.delayMillis = 0;
            }
            return new Fault.Times(start, load.now(), "each reply delayed " + delayMillis + " ms for " + seconds + " s");
        };
    }
}
