package io.redissessions.tomcat;

import io.redissessions.testing.MutableClock;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.contract.ClusterSpec;
import io.redissessions.testing.contract.ClusterUnderTest;
import io.redissessions.testing.contract.Concurrently;
import io.redissessions.testing.contract.TestTime;
import io.redissessions.testing.web.EventLog;
import io.redissessions.testing.web.WebNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The container contract's cluster on Tomcat: embedded Tomcat nodes (jvmRoute = node name) with a
 * {@link RedisSessionManager} each, sharing one {@link MutableClock}.
 */
final class TomcatCluster implements ClusterUnderTest {

    private final ClusterSpec spec;
    private final Path dir;
    private final MutableClock clock = MutableClock.startingNow();
    private final List<TomcatNode> nodes = new ArrayList<>();
    private final List<Boolean> running = new ArrayList<>();

    private TomcatCluster(ClusterSpec spec) throws IOException {
        this.spec = spec;
        this.dir = Files.createTempDirectory("tomcat-cluster");
    }

    static TomcatCluster start(ClusterSpec spec) {
        TomcatCluster cluster;
        try {
            cluster = new TomcatCluster(spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (int k = 0; k < spec.nodes(); k++) {
                cluster.nodes.add(cluster.startNode(spec.nodeName(k)));
                cluster.running.add(true);
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private TomcatNode startNode(String name) {
        TomcatNode node = TomcatNode.builder(name, spec.redisUri(), spec.namespace())
                .jvmRoute(name)
                .clock(clock)
                .eventsFile(dir.resolve("events-" + name + ".log"))
                .manager(m -> {
                    m.setFailureMode(spec.failureMode());
                    m.setCodec(spec.codec());
                    m.setAllowedClasses(spec.allowedClasses());
                    if (spec.signingKey() != null) {
                        m.setSigningKey(spec.signingKey());
                    }
                    m.setSocketTimeoutMillis(spec.socketTimeoutMillis());
                    m.setConnectTimeoutMillis(spec.connectTimeoutMillis());
                })
                .start();
        if (!node.context.getState().isAvailable()) {
            node.close();
            throw new IllegalStateException("the context of Tomcat node " + name + " did not start: " + spec);
        }
        return node;
    }

    @Override
    public ClusterSpec spec() {
        return spec;
    }

    @Override
    public List<? extends WebNode> nodes() {
        return nodes;
    }

    @Override
    public EventLog events() {
        return new EventLog(nodes.stream().map(n -> dir.resolve("events-" + n.name + ".log")).toList());
    }

    @Override
    public TestTime time() {
        return TestTime.movable(clock);
    }

    /**
     * Runs {@code passes} rounds of every running node's background work (the expiry claim),
     * the nodes of a round at the same time, and returns when they are done.
     */
    @Override
    public void awaitExpiryPasses(int passes) {
        // TODO(expiryPasses): once StoreMetrics.expiryPasses is on main, leave the passes to
        // Tomcat's background thread and wait until every node's count has grown by `passes`.
        for (int i = 0; i < passes; i++) {
            List<Runnable> round = new ArrayList<>();
            for (int k = 0; k < nodes.size(); k++) {
                if (running.get(k)) {
                    round.add(nodes.get(k)::backgroundProcess);
                }
            }
            Concurrently.runAll(round, "an expiry pass of " + round.size() + " nodes");
        }
    }

    @Override
    public long roundTrips(int k) {
        return nodes.get(k).contextManager().getRoundTrips();
    }

    @Override
    public void stopNode(int k) {
        nodes.get(k).stop();
        running.set(k, false);
    }

    @Override
    public void close() {
        for (int k = 0; k < nodes.size(); k++) {
            try {
                nodes.get(k).close();
            } catch (RuntimeException e) {
                // stopped by the test already
            }
        }
        TestFiles.deleteRecursively(dir);
    }
}
