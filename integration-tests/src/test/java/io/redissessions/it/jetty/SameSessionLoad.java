package io.redissessions.it.jetty;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Concurrent requests of one session on each node: for every session, {@code workersPerNode}
 * clients per node send requests that each set an attribute of their own ({@code op=mark}), all at
 * once. Nothing may be lost: every acknowledged request's attribute is in the session afterwards
 * (requests that change different attributes never overwrite each other), and no request fails.
 * A cache that hands a request "no session" while the same session is released by its previous
 * request makes Jetty create a new, empty session under the requested id: its changes are lost.
 */
final class SameSessionLoad {

    record Result(int acknowledged, int lost, Map<Integer, Integer> failuresByStatus) {
        @Override
        public String toString() {
            return acknowledged + " changes acknowledged, " + lost + " of them lost; failed requests by status "
                    + failuresByStatus;
        }
    }

    private SameSessionLoad() {
    }

    static Result run(List<JettyHomeNode> nodes, String context, int sessions, int workersPerNode, int requestsPerWorker)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> cookies = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            HttpResponse<String> r = send(http, nodes.get(0), context, "op=set&name=user&value=u" + s, null);
            if (r.statusCode() != 200) {
                throw new AssertionError("cannot create session " + s + ": " + r.statusCode() + " " + r.body());
            }
            String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
            cookies.add(setCookie.substring(0, setCookie.indexOf(';')));
        }
        AtomicInteger acknowledged = new AtomicInteger();
        Map<Integer, Integer> failures = new TreeMap<>();
        AtomicIntegerArray acked = new AtomicIntegerArray(sessions);
        ExecutorService pool = Executors.newFixedThreadPool(sessions * nodes.size() * workersPerNode);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                int session = s;
                for (JettyHomeNode node : nodes) {
                    for (int w = 0; w < workersPerNode; w++) {
                        String worker = node.name() + "-" + w;
                        all.add(pool.submit(() -> {
                            for (int i = 0; i < requestsPerWorker; i++) {
                                HttpResponse<String> r = send(http, node, context, "op=mark&name=t-" + worker + "-" + i,
                                        cookies.get(session));
                                if (r.statusCode() == 200) {
                                    acknowledged.incrementAndGet();
                                    acked.incrementAndGet(session);
                                } else {
                                    synchronized (failures) {
                                        failures.merge(r.statusCode(), 1, Integer::sum);
                                    }
                                }
                            }
                            return null;
                        }));
                    }
                }
            }
            for (Future<?> f : all) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        int lost = 0;
        for (int s = 0; s < sessions; s++) {
            HttpResponse<String> r = send(http, nodes.get(s % nodes.size()), context, "op=count&value=t-", cookies.get(s));
            int present = r.statusCode() == 200 && r.body().matches("\\d+") ? Integer.parseInt(r.body()) : 0;
            lost += Math.max(0, acked.get(s) - present);
        }
        return new Result(acknowledged.get(), lost, failures);
    }

    private static HttpResponse<String> send(HttpClient http, JettyHomeNode node, String context, String query,
                                             String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.uri(context) + "/s?" + query))
                .timeout(Duration.ofSeconds(60));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(query + " on " + node + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
