package io.redissessions.it.jetty;

import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.WebNode;

import java.util.ArrayList;
import java.util.Arrays;
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
 * clients per node send requests that each set an attribute of their own ({@code op=set}), all at
 * once, with the session's cookie. Nothing may be lost: every acknowledged request's attribute is
 * in the session afterwards (requests that change different attributes never overwrite each
 * other), and no request fails. A cache that hands a request "no session" while the same session
 * is released by its previous request makes Jetty create a new, empty session under the requested
 * id: its changes are lost.
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

    static Result run(List<? extends WebNode> nodes, int sessions, int workersPerNode, int requestsPerWorker)
            throws Exception {
        List<String> ids = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            Browser browser = new Browser(nodes);
            browser.body(0, "/s?op=set&name=user&value=u" + s);
            ids.add(browser.sessionId().orElseThrow());
        }
        AtomicInteger acknowledged = new AtomicInteger();
        Map<Integer, Integer> failures = new TreeMap<>();
        AtomicIntegerArray acked = new AtomicIntegerArray(sessions);
        ExecutorService pool = Executors.newFixedThreadPool(sessions * nodes.size() * workersPerNode);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                int session = s;
                for (WebNode node : nodes) {
                    for (int w = 0; w < workersPerNode; w++) {
                        String worker = node.name() + "-" + w;
                        all.add(pool.submit(() -> {
                            for (int i = 0; i < requestsPerWorker; i++) {
                                Reply r = Browser.getWithSessionId(node, "/s?op=set&name=t-" + worker + "-" + i
                                        + "&value=x", ids.get(session));
                                if (r.status() == 200) {
                                    acknowledged.incrementAndGet();
                                    acked.incrementAndGet(session);
                                } else {
                                    synchronized (failures) {
                                        failures.merge(r.status(), 1, Integer::sum);
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
            Reply r = Browser.getWithSessionId(nodes.get(s % nodes.size()), "/s?op=names", ids.get(s));
            long present = r.status() != 200 || !r.body().startsWith("[") ? 0
                    : Arrays.stream(r.body().substring(1, r.body().length() - 1).split(", "))
                            .filter(name -> name.startsWith("t-")).count();
            lost += (int) Math.max(0, acked.get(s) - present);
        }
        return new Result(acknowledged.get(), lost, failures);
    }
}
