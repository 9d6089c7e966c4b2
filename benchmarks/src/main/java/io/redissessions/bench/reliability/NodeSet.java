package io.redissessions.bench.reliability;

import io.redissessions.bench.node.Distributions;
import io.redissessions.bench.node.JettyNode;
import io.redissessions.bench.node.Node;
import io.redissessions.bench.node.TomcatNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Two Tomcat 11 nodes and two jetty-home 12.1 nodes with redis-sessions, one namespace, installed
 * as the docs say and started in parallel; the same settings on all four (Manager attributes on
 * Tomcat, {@code jetty.session.redis.*} on Jetty).
 */
final class NodeSet implements AutoCloseable {

    static final String NAMESPACE = "rel";
    private final List<Node> nodes = new ArrayList<>();

    NodeSet(Distributions d, Path work, String uri, Map<String, String> settings, int tomcats, int jettys) {
        List<String> jvm = List.of("-Xms256m", "-Xmx384m");
        String attributes = settings.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                .collect(Collectors.joining(" "));
        for (int i = 1; i <= tomcats; i++) {
            nodes.add(TomcatNode.install("tomcat-" + i, d.tomcatHome(), work,
                    TomcatNode.redisSessionsLines(uri, NAMESPACE, attributes), List.of(d.tomcatAllJar()), "tomcat-" + i, jvm));
        }
        for (int i = 1; i <= jettys; i++) {
            Map<String, String> redis = new LinkedHashMap<>();
            redis.put("jetty.session.redis.uri", uri);
            redis.put("jetty.session.redis.namespace", NAMESPACE);
            settings.forEach((k, v) -> redis.put("jetty.session.redis." + k, v));
            nodes.add(JettyNode.install("jetty-" + i, d.jettyHome(), work, d.jettyOverlay(),
                    "http,ee10-deploy,session-store-redis",
                    Map.of("session-store-redis.ini", redis,
                            "sessions.ini", Map.of("jetty.sessionIdManager.workerName", "jetty-" + i)), jvm));
        }
    }

    /** Starts every node at once; fails (stopping them all) if one does not serve within the timeout. */
    NodeSet start(Duration timeout) {
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Future<Node>> started = new ArrayList<>();
            for (Node n : nodes) {
                started.add(pool.submit(() -> n.start(timeout)));
            }
            for (Future<Node> f : started) {
                f.get();
            }
            return this;
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the nodes did not start: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    List<String> urls() {
        return nodes.stream().map(Node::baseUrl).toList();
    }

    List<String> names() {
        return nodes.stream().map(Node::name).toList();
    }

    @Override
    public void close() {
        nodes.parallelStream().forEach(Node::close);
    }
}
