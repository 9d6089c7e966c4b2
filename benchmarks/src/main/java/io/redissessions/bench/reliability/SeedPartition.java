package io.redissessions.bench.reliability;

import io.redissessions.bench.node.Distributions;
import io.redissessions.bench.node.Node;
import io.redissessions.bench.node.Processes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Seeds that accept connections and never answer (Sentinel's sentinels or Cluster's seed nodes
 * stopped with SIGSTOP before the nodes ever reached them): {@code concurrent} requests that need
 * their session sent at once to one Tomcat and one Jetty node; when does each get an answer, and
 * which? Then SIGCONT, and how long until each node serves sessions again.
 */
final class SeedPartition {

    /** The answers of one node's burst; {@code seconds} of each answered request, sorted. */
    record NodeBurst(String node, Map<String, Long> byStatus, List<Double> seconds, int unanswered, double recoverySeconds) {

        double first() {
            return seconds.isEmpty() ? Double.NaN : seconds.get(0);
        }

        double median() {
            return seconds.isEmpty() ? Double.NaN : seconds.get(seconds.size() / 2);
        }

        double last() {
            return seconds.isEmpty() ? Double.NaN : seconds.get(seconds.size() - 1);
        }
    }

    record Result(String name, String title, List<NodeBurst> nodes, String failure, long boundMillis) {

        List<String> misses() {
            List<String> m = new ArrayList<>();
            if (failure != null) {
                m.add("did not run to the end: " + failure);
                return m;
            }
            for (NodeBurst b : nodes) {
                if (b.unanswered() > 0) {
                    m.add(b.node() + ": " + b.unanswered() + " requests without an answer after " + ReliabilitySuite.PARTITION_WAIT_SECONDS + " s");
                }
                if (!b.seconds().isEmpty() && b.last() * 1000 > boundMillis) {
                    m.add(String.format("%s: last answer after %.1f s", b.node(), b.last()));
                }
                b.byStatus().forEach((k, v) -> {
                    if (!k.equals("503") && !k.equals("200") && !k.equals(Answer.statusName(Answer.NO_ANSWER))) {
                        m.add(b.node() + ": " + v + " answers " + k);
                    }
                });
                if (!(b.recoverySeconds() <= ReliabilitySuite.RECOVERY_TARGET_SECONDS)) {
                    m.add(String.format("%s: sessions served again %.1f s after SIGCONT", b.node(), b.recoverySeconds()));
                }
            }
            return m;
        }
    }

    private SeedPartition() {
    }

    static Result run(String name, String title, Supplier<Topology> topologies, Function<Topology, List<Long>> seedPids,
                      Distributions d, Path work, int concurrent, long boundMillis) {
        Duration wait = Duration.ofSeconds(ReliabilitySuite.PARTITION_WAIT_SECONDS);
        try (Topology topology = topologies.get()) {
            List<Long> seeds = seedPids.apply(topology);
            seeds.forEach(pid -> Processes.signal(pid, "STOP"));
            try (NodeSet nodes = new NodeSet(d, work, topology.uri(), Map.of(), 1, 1).start(Duration.ofSeconds(180))) {
                List<CompletableFuture<List<Double>>> bursts = new ArrayList<>();
                List<Map<String, Long>> statuses = new ArrayList<>();
                for (Node node : nodes.nodes()) {
                    Map<String, Long> byStatus = new TreeMap<>();
                    statuses.add(byStatus);
                    bursts.add(burst(node, concurrent, wait, byStatus));
                }
                List<List<Double>> seconds = bursts.stream().map(CompletableFuture::join).toList();
                seeds.forEach(pid -> Processes.signal(pid, "CONT"));
                List<NodeBurst> results = new ArrayList<>();
                for (int i = 0; i < nodes.nodes().size(); i++) {
                    Node node = nodes.nodes().get(i);
                    List<Double> s = seconds.get(i);
                    results.add(new NodeBurst(node.name(), statuses.get(i), s, concurrent - s.size(), recovery(node, wait)));
                }
                return new Result(name, title, results, null, boundMillis);
            } finally {
                seeds.forEach(pid -> {
                    try {
                        Processes.signal(pid, "CONT");
                    } catch (RuntimeException alreadyGone) {
                        // stopped with the topology
                    }
                });
            }
        } catch (RuntimeException e) {
            return new Result(name, title, List.of(), String.valueOf(e.getMessage()), boundMillis);
        }
    }

    /** Sends {@code n} requests at once, each with a session cookie; returns the seconds of those answered in time. */
    private static CompletableFuture<List<Double>> burst(Node node, int n, Duration wait, Map<String, Long> byStatus) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        SecureRandom random = new SecureRandom();
        long start = System.nanoTime();
        List<CompletableFuture<Double>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] id = new byte[16];
            random.nextBytes(id);
            HttpRequest r = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/ro")).timeout(wait)
                    .header("Cookie", "JSESSIONID=" + HexFormat.of().withUpperCase().formatHex(id)).build();
            all.add(http.sendAsync(r, HttpResponse.BodyHandlers.discarding()).handle((resp, err) -> {
                String status;
                Double seconds = null;
                if (resp != null) {
                    status = Integer.toString(resp.statusCode());
                    seconds = (System.nanoTime() - start) / 1e9;
                } else {
                    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    status = cause instanceof HttpTimeoutException ? Answer.statusName(Answer.NO_ANSWER)
                            : Answer.statusName(Answer.NO_CONNECTION);
                }
                synchronized (byStatus) {
                    byStatus.merge(status, 1L, Long::sum);
                }
                return seconds;
            }));
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).thenApply(v -> all.stream()
                .map(CompletableFuture::join).filter(s -> s != null).sorted().toList());
    }

    /** Seconds until {@code /rw} (a new session) answers 200, polled every 200 ms; NaN if not within {@code wait}. */
    private static double recovery(Node node, Duration wait) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long start = System.nanoTime();
        while (System.nanoTime() - start < wait.toNanos()) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/rw"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (IOException e) {
                // not yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            LoadClient.pause(200);
        }
        return Double.NaN;
    }
}
