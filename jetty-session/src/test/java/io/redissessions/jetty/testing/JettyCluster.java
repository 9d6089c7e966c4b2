package io.redissessions.jetty.testing;

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
 * The container contract's cluster on Jetty: embedded Jetty nodes (worker name = node name) with
 * the Redis store and session cache factories. The HouseKeepers do not scavenge by themselves: the
 * contract runs the scavenges that they would run ({@link JettyNode#scavenge}).
 */
public final class JettyCluster implements ClusterUnderTest {

    private final ClusterSpec spec;
    private final Path dir;
    private final List<JettyNode> nodes = new ArrayList<>();

    private JettyCluster(ClusterSpec spec) throws IOException {
        this.spec = spec;
        this.dir = Files.createTempDirectory("jetty-cluster");
    }

    public static JettyCluster start(ClusterSpec spec) {
        JettyCluster cluster;
        try {
            cluster = new JettyCluster(spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path webapp = JettyNode.webapp(cluster.dir.resolve("webapp"));
            for (int k = 0; k < spec.nodes(); k++) {
                String name = spec.nodeName(k);
                cluster.nodes.add(JettyNode.builder(name, spec.redisUri())
                        .webapp(webapp)
                        .eventsFile(cluster.eventsFile(name))
                        .store(f -> {
                            f.setNamespace(spec.namespace());
                            f.setFailureMode(spec.failureMode());
                            f.setCodec(spec.codec());
                            f.setAllowedClasses(spec.allowedClasses());
                            if (spec.signingKey() != null) {
                                f.setSigningKey(spec.signingKey());
                            }
                            f.setSocketTimeoutMillis(spec.socketTimeoutMillis());
                            f.setConnectTimeoutMillis(spec.connectTimeoutMillis());
                            spec.settings().forEach(f::setSetting);
                        })
                        .start());
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private Path eventsFile(String node) {
        return dir.resolve("events-" + node + ".log");
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
        return new EventLog(nodes.stream().map(n -> eventsFile(n.name())).toList());
    }

    @Override
    public void runExpiryPasses(int passes) {
        List<ExpiryPasses.Node> running = new ArrayList<>();
        for (JettyNode n : nodes) {
            if (n.isRunning()) {
                running.add(new ExpiryPasses.Node(n.name(), n::scavenge, n.store().metrics()));
            }
        }
        ExpiryPasses.run(passes, running);
    }

    @Override
    public StoreMetrics metrics(int k) {
        return nodes.get(k).store().metrics();
    }

    @Override
    public void stopNode(int k) {
        nodes.get(k).stop();
    }

    @Override
    public void close() {
        for (JettyNode n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                // stopped by the test already
            }
        }
        TestFiles.deleteRecursively(dir);
    }
}
