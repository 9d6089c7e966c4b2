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
    private final TlsMaterial tls;
    private final TlsMaterial.ServerCertificate certificate;

    private RedisClusterGroup(TlsMaterial tls, TlsMaterial.ServerCertificate certificate) {
        this.tls = tls;
        this.certificate = certificate;
    }

    /** Three masters. */
    public static RedisClusterGroup start() {
        return start(3);
    }

    public static RedisClusterGroup start(int masters) {
        return start(masters, null, null);
    }

    /**
     * Three masters that speak TLS only, to clients and on the cluster bus ({@code tls-port},
     * {@code tls-cluster yes}), each presenting {@code certificate}. They announce themselves as
     * {@code localhost} ({@code cluster-announce-hostname}, {@code cluster-preferred-endpoint-type
     * hostname}), so a client that verifies host names connects to the name in the certificate.
     * Needs Redis 7 built with TLS.
     */
    public static RedisClusterGroup startTls(TlsMaterial tls, TlsMaterial.ServerCertificate certificate) {
        return start(3, tls, certificate);
    }

    private static RedisClusterGroup start(int masters, TlsMaterial tls, TlsMaterial.ServerCertificate certificate) {
        RedisClusterGroup g = new RedisClusterGroup(tls, certificate);
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
            nodes.add(startNode(tls, certificate));
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
            expectOk(tls == null ? first.command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(n.port()))
                    : first.command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(n.port()),
                    Integer.toString(n.port() + 10000)), "CLUSTER MEET");
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
    private static RedisServer startNode(TlsMaterial tls, TlsMaterial.ServerCertificate certificate) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePortWithBus();
            try {
                RedisServer.Builder b = RedisServer.builder().port(port)
                        .set("cluster-enabled", "yes")
                        .set("cluster-config-file", "nodes.conf")
                        .set("cluster-node-timeout", "5000");
                if (tls != null) {
                    // Redis 7: the bus port of a TLS-only node (port 0) is given, not derived
                    b.tls(tls, certificate)
                            .set("cluster-port", Integer.toString(port + 10000))
                            .set("tls-cluster", "yes")
                            .set("tls-replication", "yes")
                            .set("cluster-announce-hostname", "localhost")
                            .set("cluster-preferred-endpoint-type", "hostname");
                }
                return b.start();
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

    /**
     * {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}, or for a TLS cluster
     * {@code rediss-cluster://localhost:p1,localhost:p2,localhost:p3}.
     */
    public String uri() {
        return tls == null ? uri("redis-cluster", "127.0.0.1") : uri("rediss-cluster", "localhost");
    }

    /** The seeds with the given scheme and host name, e.g. to reach TLS nodes by IP address. */
    public String uri(String scheme, String host) {
        return scheme + "://" + nodes.stream().map(n -> host + ":" + n.port()).collect(Collectors.joining(","));
    }

    /** The TLS material of a {@link #startTls} cluster, else null. */
    public TlsMaterial tls() {
        return tls;
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
