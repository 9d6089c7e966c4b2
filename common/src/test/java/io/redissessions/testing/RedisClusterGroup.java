package io.redissessions.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * A Redis Cluster for tests: three masters (no replicas) on 127.0.0.1, ephemeral ports, their own
 * temp directories; all 16384 slots assigned with {@code CLUSTER ADDSLOTS} (Redis 6.2 has no
 * ADDSLOTSRANGE), joined with {@code CLUSTER MEET}, ready when every node reports
 * {@code cluster_state:ok}. {@link #close()} stops them by PID.
 *
 * <pre>
 * try (RedisClusterGroup c = RedisClusterGroup.start()) { ... c.uri() ... }
 * </pre>
 */
public final class RedisClusterGroup implements AutoCloseable {

    public static final int SLOTS = 16384;
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final List<RedisServer> nodes = new ArrayList<>();

    private RedisClusterGroup() {
    }

    /** Three masters. */
    public static RedisClusterGroup start() {
        return start(3);
    }

    public static RedisClusterGroup start(int masters) {
        RedisClusterGroup g = new RedisClusterGroup();
        try {
            g.startAll(masters);
            return g;
        } catch (RuntimeException | Error e) {
            g.close();
            throw e;
        }
    }

    private void startAll(int masters) {
        for (int i = 0; i < masters; i++) {
            nodes.add(startNode());
        }
        for (int i = 0; i < masters; i++) {
            int from = i * SLOTS / masters;
            int to = (i + 1) * SLOTS / masters; // exclusive
            List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = from; slot < to; slot++) {
                args.add(Integer.toString(slot));
            }
            expectOk(nodes.get(i).command(args.toArray(new String[0])), "CLUSTER ADDSLOTS");
        }
        RedisServer first = nodes.get(0);
        for (RedisServer n : nodes.subList(1, nodes.size())) {
            expectOk(first.command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(n.port())), "CLUSTER MEET");
        }
        for (RedisServer n : nodes) {
            Poll.until(STARTUP, "node " + n.port() + " reports cluster_state:ok with " + masters + " nodes", () -> {
                String info = n.command("CLUSTER", "INFO");
                return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + masters)
                        && info.contains("cluster_slots_ok:" + SLOTS);
            });
        }
    }

    private static void expectOk(String reply, String what) {
        if (reply == null || !reply.startsWith("+OK")) {
            throw new IllegalStateException(what + " failed: " + reply);
        }
    }

    /** Starts one cluster-enabled node on a port whose cluster bus port (port + 10000) is free too. */
    private static RedisServer startNode() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePortWithBus();
            try {
                return RedisServer.builder().port(port)
                        .set("cluster-enabled", "yes")
                        .set("cluster-config-file", "nodes.conf")
                        .set("cluster-node-timeout", "5000")
                        .start();
            } catch (IllegalStateException e) {
                last = e; // a port was taken in between: try others
            }
        }
        throw last;
    }

    private static int freePortWithBus() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 200; i++) {
            int port = 20000 + random.nextInt(35000); // bus port stays below 65536
            if (free(port) && free(port + 10000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair (p, p+10000) found on 127.0.0.1");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3} */
    public String uri() {
        return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port())
                .collect(Collectors.joining(","));
    }

    public List<RedisServer> nodes() {
        return List.copyOf(nodes);
    }

    /** The node serving a slot, by the slot ranges assigned at start. */
    public RedisServer nodeForSlot(int slot) {
        int m = nodes.size();
        for (int i = 0; i < m; i++) {
            if (slot >= i * SLOTS / m && slot < (i + 1) * SLOTS / m) {
                return nodes.get(i);
            }
        }
        throw new IllegalArgumentException("slot " + slot);
    }

    /** The node's cluster id ({@code CLUSTER MYID}). */
    public static String nodeId(RedisServer node) {
        return node.command("CLUSTER", "MYID").trim();
    }

    /**
     * Moves one slot, with its keys, from the node that serves it to {@code to}, the way
     * {@code redis-cli --cluster reshard} does (IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE on every
     * node). Clients that knew the old owner get a MOVED on their next command for the slot.
     * {@link #nodeForSlot} keeps answering from the slot ranges assigned at start.
     */
    public void moveSlot(int slot, RedisServer from, RedisServer to) {
        String s = Integer.toString(slot);
        expectOk(to.command("CLUSTER", "SETSLOT", s, "IMPORTING", nodeId(from)), "SETSLOT IMPORTING");
        expectOk(from.command("CLUSTER", "SETSLOT", s, "MIGRATING", nodeId(to)), "SETSLOT MIGRATING");
        while (true) {
            String keys = from.command("CLUSTER", "GETKEYSINSLOT", s, "100");
            List<String> names = keys.lines().filter(l -> !l.isEmpty()).collect(Collectors.toList());
            if (names.isEmpty()) {
                break;
            }
            List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(to.port()),
                    "", "0", "5000", "KEYS"));
            migrate.addAll(names);
            expectOk(from.command(migrate.toArray(new String[0])), "MIGRATE");
        }
        for (RedisServer n : List.of(to, from)) {
            expectOk(n.command("CLUSTER", "SETSLOT", s, "NODE", nodeId(to)), "SETSLOT NODE");
        }
        for (RedisServer n : nodes) {
            if (n != to && n != from) {
                n.command("CLUSTER", "SETSLOT", s, "NODE", nodeId(to)); // or learnt by gossip
            }
        }
    }

    @Override
    public void close() {
        for (RedisServer n : nodes) {
            n.close();
        }
    }
}
