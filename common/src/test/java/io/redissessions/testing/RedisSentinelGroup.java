package io.redissessions.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Sentinel deployment for tests: one master, one replica and three sentinels (quorum 2), all on
 * 127.0.0.1 with ephemeral ports and their own temp directories; {@link #close()} stops them by
 * PID. {@link #uri()} is the redis-sessions URI
 * {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/mymaster}.
 *
 * <pre>
 * try (RedisSentinelGroup g = RedisSentinelGroup.start()) { ... g.uri() ... g.failover(...) }
 * </pre>
 */
public final class RedisSentinelGroup implements AutoCloseable {

    public static final String MASTER_NAME = "mymaster";
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final List<RedisServer> dataNodes = new ArrayList<>();
    private final List<RedisServer> sentinels = new ArrayList<>();
    private final String password;
    private final boolean sentinelsProtected;
    private final TlsMaterial tls;
    private final TlsMaterial.ServerCertificate certificate;

    private RedisSentinelGroup(String password, boolean sentinelsProtected, TlsMaterial tls,
                               TlsMaterial.ServerCertificate certificate) {
        this.password = password;
        this.sentinelsProtected = sentinelsProtected;
        this.tls = tls;
        this.certificate = certificate;
    }

    /** Master, replica and sentinels without passwords. */
    public static RedisSentinelGroup start() {
        return start(null, false);
    }

    /**
     * With {@code requirepass password} (and {@code masterauth}) on master and replica; the
     * sentinels get {@code sentinel auth-pass} and, if {@code sentinelsProtected}, the same
     * {@code requirepass} themselves.
     */
    public static RedisSentinelGroup start(String password, boolean sentinelsProtected) {
        return start(new RedisSentinelGroup(password, sentinelsProtected, null, null));
    }

    /**
     * Master, replica and sentinels that speak TLS only ({@code tls-port}, {@code tls-replication
     * yes}: replication and the sentinels' own connections use TLS too), each presenting
     * {@code certificate}, without passwords. Everything is known by the name {@code localhost}
     * (the sentinels monitor {@code localhost} with {@code resolve-hostnames} and
     * {@code announce-hostnames}; the data nodes announce themselves as {@code localhost}), so a
     * client that verifies host names connects to the name in the certificate. Needs Redis 7
     * built with TLS.
     */
    public static RedisSentinelGroup startTls(TlsMaterial tls, TlsMaterial.ServerCertificate certificate) {
        return startTls(tls, certificate, null, false);
    }

    /** {@link #startTls(TlsMaterial, TlsMaterial.ServerCertificate)} with passwords as in {@link #start(String, boolean)}. */
    public static RedisSentinelGroup startTls(TlsMaterial tls, TlsMaterial.ServerCertificate certificate,
                                              String password, boolean sentinelsProtected) {
        return start(new RedisSentinelGroup(password, sentinelsProtected, tls, certificate));
    }

    private static RedisSentinelGroup start(RedisSentinelGroup g) {
        try {
            g.startAll();
            return g;
        } catch (RuntimeException | Error e) {
            g.close();
            throw e;
        }
    }

    private void startAll() {
        RedisServer master = dataNode(null).start();
        dataNodes.add(master);
        RedisServer replica = dataNode(master).start();
        dataNodes.add(replica);
        Poll.until(STARTUP, "replica linked to master",
                () -> replica.command("INFO", "replication").contains("master_link_status:up"));
        for (int i = 0; i < 3; i++) {
            RedisServer.Builder b = RedisServer.builder().sentinel();
            if (tls != null) {
                b.tls(tls, certificate).set("tls-replication", "yes")
                        .set("sentinel resolve-hostnames", "yes").set("sentinel announce-hostnames", "yes");
            }
            b.set("sentinel monitor " + MASTER_NAME, host() + " " + master.port() + " 2")
                    .set("sentinel down-after-milliseconds " + MASTER_NAME, "2000")
                    .set("sentinel failover-timeout " + MASTER_NAME, "10000")
                    .set("sentinel parallel-syncs " + MASTER_NAME, "1");
            if (password != null) {
                b.set("sentinel auth-pass " + MASTER_NAME, password);
                if (sentinelsProtected) {
                    b.password(password);
                }
            }
            sentinels.add(b.start());
        }
        // a forced failover needs the replica known; the others must see each other to follow it
        for (RedisServer s : sentinels) {
            Poll.until(STARTUP, "sentinel " + s.port() + " knows the replica and the other sentinels", () ->
                    s.command("SENTINEL", "REPLICAS", MASTER_NAME).contains(Integer.toString(replica.port()))
                            && countOtherSentinels(s) == sentinels.size() - 1);
        }
    }

    private int countOtherSentinels(RedisServer sentinel) {
        String reply = sentinel.command("SENTINEL", "SENTINELS", MASTER_NAME);
        return (int) reply.lines().filter(l -> l.equals("runid")).count();
    }

    private RedisServer.Builder dataNode(RedisServer master) {
        // full syncs start at once instead of after the default 5 s of waiting for more replicas
        RedisServer.Builder b = RedisServer.builder().set("repl-diskless-sync-delay", "0");
        if (tls != null) {
            b.tls(tls, certificate).set("tls-replication", "yes").set("replica-announce-ip", host());
        }
        if (password != null) {
            b.password(password).set("masterauth", password);
        }
        if (master != null) {
            b.set("replicaof", host() + " " + master.port());
        }
        return b;
    }

    /** The name every node is known by: {@code localhost} with TLS (the certificate's), else 127.0.0.1. */
    private String host() {
        return tls == null ? "127.0.0.1" : "localhost";
    }

    /**
     * {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/mymaster}, or for a TLS group
     * {@code rediss-sentinel://localhost:p1,localhost:p2,localhost:p3/mymaster}; no credentials.
     */
    public String uri() {
        return tls == null ? uri("redis-sentinel", "127.0.0.1") : uri("rediss-sentinel", "localhost");
    }

    /** The sentinels with the given scheme and host name, e.g. to reach TLS sentinels by IP address. */
    public String uri(String scheme, String host) {
        return scheme + "://" + sentinels.stream().map(s -> host + ":" + s.port())
                .collect(Collectors.joining(",")) + "/" + MASTER_NAME;
    }

    /** The TLS material of a {@link #startTls} group, else null. */
    public TlsMaterial tls() {
        return tls;
    }

    public String masterName() {
        return MASTER_NAME;
    }

    /** The data nodes' password ({@code requirepass}), or null. */
    public String password() {
        return password;
    }

    public boolean sentinelsProtected() {
        return sentinelsProtected;
    }

    public List<RedisServer> sentinels() {
        return List.copyOf(sentinels);
    }

    /** Master and replica, in start order (not roles: see {@link #master()}). */
    public List<RedisServer> dataNodes() {
        return List.copyOf(dataNodes);
    }

    /** The port of the master as the first sentinel reports it. */
    public int masterPort() {
        return masterPortSeenBy(sentinels.get(0));
    }

    private int masterPortSeenBy(RedisServer sentinel) {
        String reply = sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        String[] lines = reply.split("\n");
        return Integer.parseInt(lines[1].trim());
    }

    /** The data node the sentinels report as master. */
    public RedisServer master() {
        int port = masterPort();
        return dataNodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("no data node on master port " + port));
    }

    /** The data node that is not the master. */
    public RedisServer replica() {
        RedisServer m = master();
        return dataNodes.stream().filter(n -> n != m).findFirst().orElseThrow();
    }

    /**
     * Blocks until every write the master accepted so far has reached the replica: a marker write
     * followed by {@code WAIT 1 <timeout>} on one connection (the replication stream is ordered,
     * so earlier writes of other clients arrived too).
     */
    public void awaitReplicated(Duration timeout) {
        String marker = "redis-sessions-fixture:replication-marker";
        List<String> replies = master().commands(List.of(
                new String[]{"SET", marker, "1"},
                new String[]{"DEL", marker},
                new String[]{"WAIT", "1", Long.toString(timeout.toMillis())}));
        String acked = replies.get(2);
        if (!acked.startsWith(":") || Integer.parseInt(acked.substring(1)) < 1) {
            throw new IllegalStateException("the replica did not acknowledge within " + timeout + ": " + acked);
        }
    }

    /**
     * {@code SENTINEL FAILOVER mymaster} on the first sentinel, then waits until every sentinel
     * reports the former replica as master and that node has the master role. The old master is
     * turned into a replica by the sentinels some seconds later (their INFO period); until then it
     * still accepts writes from clients that have not switched, as in production.
     *
     * @return the new master
     */
    public RedisServer failover(Duration timeout) {
        RedisServer newMaster = replica();
        String reply = sentinels.get(0).command("SENTINEL", "FAILOVER", MASTER_NAME);
        if (!reply.startsWith("+OK")) {
            throw new IllegalStateException("SENTINEL FAILOVER refused: " + reply);
        }
        Poll.until(timeout, "all sentinels report port " + newMaster.port() + " as master", () ->
                sentinels.stream().allMatch(s -> masterPortSeenBy(s) == newMaster.port())
                        && newMaster.command("ROLE").startsWith("master"));
        return newMaster;
    }

    /** Stops every process by PID and removes the directories. */
    @Override
    public void close() {
        for (RedisServer s : sentinels) {
            s.close();
        }
        for (RedisServer n : dataNodes) {
            n.close();
        }
    }
}
