package io.redissessions.bench.reliability;

import io.redissessions.bench.load.SessionMemory;
import io.redissessions.bench.node.Processes;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters, each with one replica, {@code cluster-node-timeout 2000},
 * created with {@code redis-cli --cluster create --cluster-replicas 1}. The URI names the three
 * masters as seeds.
 */
final class ReplicatedCluster implements Topology {

    static final int NODE_TIMEOUT_MILLIS = 2000;
    private static final Duration STARTUP = Duration.ofSeconds(60);

    final List<RedisServer> nodes = new ArrayList<>();

    ReplicatedCluster() {
        try {
            for (int i = 0; i < 6; i++) {
                nodes.add(startNode());
            }
            List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> cmd.add("127.0.0.1:" + n.port()));
            cmd.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Processes.run(cmd.toArray(new String[0]));
            for (RedisServer n : nodes) {
                Poll.until(STARTUP, "node " + n.port() + " sees a healthy cluster of 6", () -> {
                    String info = n.command("CLUSTER", "INFO");
                    return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:6");
                });
            }
            for (RedisServer n : nodes) {
                Poll.until(STARTUP, "replica " + n.port() + " linked", () -> {
                    String role = n.command("ROLE");
                    return role.startsWith("master") || n.command("INFO", "replication").contains("master_link_status:up");
                });
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static RedisServer startNode() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePortWithBus();
            try {
                return RedisServer.builder().port(port).set("cluster-enabled", "yes")
                        .set("cluster-config-file", "nodes.conf")
                        .set("cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS)).start();
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private static int freePortWithBus() {
        for (int i = 0; i < 200; i++) {
            int port = 20000 + ThreadLocalRandom.current().nextInt(35000);
            if (free(port) && free(port + 10000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair (p, p+10000) on 127.0.0.1");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String uri() {
        return "redis-cluster://" + nodes.subList(0, 3).stream().map(n -> "127.0.0.1:" + n.port())
                .collect(Collectors.joining(","));
    }

    /** One line of CLUSTER NODES: id, port, master flag, and the slots it serves. */
    record ClusterNode(String id, int port, boolean master, String masterId, BitSet slots) {
    }

    /** CLUSTER NODES as one live node sees it. */
    List<ClusterNode> view() {
        RedisServer any = nodes.stream().filter(RedisServer::isAlive).findFirst().orElseThrow();
        List<ClusterNode> list = new ArrayList<>();
        for (String line : any.command("CLUSTER", "NODES").split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
            BitSet slots = new BitSet(16384);
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated or imported
                }
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                slots.set(from, to + 1);
            }
            list.add(new ClusterNode(f[0], port, f[2].contains("master") && !f[2].contains("fail"), f[3], slots));
        }
        return list;
    }

    RedisServer server(int port) {
        return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
    }

    /** Slot of each of the 16 session shards of a namespace (CLUSTER KEYSLOT of a session key). */
    List<Integer> sessionSlots(String namespace) {
        RedisServer any = nodes.stream().filter(RedisServer::isAlive).findFirst().orElseThrow();
        List<Integer> slots = new ArrayList<>();
        for (int shard = 0; shard < 16; shard++) {
            String key = String.format("rs:{%s:%02d}:s:x", namespace, shard);
            slots.add(Integer.parseInt(any.command("CLUSTER", "KEYSLOT", key).substring(1)));
        }
        return slots;
    }

    /** The master serving most session shards of the namespace, and those shards' slots. */
    Map.Entry<ClusterNode, List<Integer>> busiestMaster(String namespace) {
        Map<ClusterNode, List<Integer>> byMaster = new LinkedHashMap<>();
        List<ClusterNode> view = view();
        for (int slot : sessionSlots(namespace)) {
            view.stream().filter(n -> n.master() && n.slots().get(slot)).findFirst()
                    .ifPresent(n -> byMaster.computeIfAbsent(n, k -> new ArrayList<>()).add(slot));
        }
        return byMaster.entrySet().stream().max((a, b) -> Integer.compare(a.getValue().size(), b.getValue().size()))
                .orElseThrow();
    }

    @Override
    public int sessionKeys(String namespace) {
        int n = 0;
        for (ClusterNode c : view()) {
            if (c.master()) {
                RedisServer s = server(c.port());
                if (s.isAlive()) {
                    n += SessionMemory.scan(s, Topology.sessionKeyPattern(namespace)).size();
                }
            }
        }
        return n;
    }

    @Override
    public void close() {
        for (RedisServer n : nodes) {
            n.close();
        }
    }
}
