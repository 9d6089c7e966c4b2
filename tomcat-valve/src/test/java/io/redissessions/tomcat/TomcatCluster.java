package io.redissessions.tomcat;

import io.redissessions.core.store.StoreMetrics;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.contract.ClusterSpec;
import io.redissessions.testing.contract.ClusterUnderTest;
import io.redissessions.testing.contract.ExpiryPasses;
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
 * {@link RedisSessionManager} each. Tomcat's background thread is off: the contract runs the
 * expiry passes that it would run ({@link RedisSessionManager#backgroundProcess}).
 */
final class TomcatCluster implements ClusterUnderTest {

    private final ClusterSpec spec;
    private final Path dir;
    private final List<TomcatNode> nodes = new ArrayList<>();
    private final List<Boolean> running = new ArrayList<>();
    /** Each node's counters, kept after it stops. */
    private final List<StoreMetrics> metrics = new ArrayList<>();

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
                TomcatNode node = cluster.startNode(spec.nodeName(k));
                cluster.nodes.add(node);
                cluster.running.add(true);
                cluster.metrics.add(node.contextManager().getStoreMetrics());
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
                    spec.settings().forEach((setting, value) -> {
                        if (!m.setProperty(setting, value)) {
                            throw new IllegalArgumentException("no setting " + setting);
                        }
                    });
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
    public void runExpiryPasses(int passes) {
        List<ExpiryPasses.Node> running = new ArrayList<>();
        for (int k = 0; k < nodes.size(); k++) {
            if (this.running.get(k)) {
                TomcatNode n = nodes.get(k);
                running.add(new ExpiryPasses.Node(n.name, n::backgroundProcess, metrics.get(k)));
            }
        }
        ExpiryPasses.run(passes, running);
    }

    @Override
    public StoreMetrics metrics(int k) {
        return metrics.get(k);
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
