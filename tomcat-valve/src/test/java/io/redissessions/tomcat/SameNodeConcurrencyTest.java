package io.redissessions.tomcat;

import io.redissessions.core.store.SessionState;
import io.redissessions.testing.Poll;
import io.redissessions.testing.contract.Gate;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent requests of one session on one node share one session object, as with Tomcat's own
 * manager: {@code synchronized (session)} protects a read-modify-write under load, and a request
 * that arrives while the last one is saving does not load a copy that misses that save. Each
 * request still saves when it ends. The deterministic cases of both containers are the container
 * contract's ({@link TomcatSharingContractTest}).
 */
class SameNodeConcurrencyTest extends NodesTestBase {

    private TomcatNode startNode(String name) {
        return started(node(name).manager(m -> {
            m.setPoolMaxTotal(40);
            m.setSocketTimeoutMillis(15_000);
        }).start());
    }

    @Test
    void incrementsUnderSynchronizedSessionLoseNothingOnOneNode() throws Exception {
        TomcatNode a = startNode("a");
        int sessions = 4;
        int clients = 32;
        int requestsPerClient = 20;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            ids.add(Browser.of(a).body("/s?op=set&name=user&value=alice"));
        }
        Map<String, AtomicInteger> acknowledged = new ConcurrentHashMap<>();
        ids.forEach(id -> acknowledged.put(id, new AtomicInteger()));
        AtomicInteger failed = new AtomicInteger();

        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String id = ids.get(c % sessions);
                runs.add(CompletableFuture.runAsync(() -> {
                    for (int r = 0; r < requestsPerClient; r++) {
                        Reply response = Browser.getWithSessionId(a, "/s?op=incr&name=n", id);
                        if (response.status() == 200) {
                            acknowledged.get(id).incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                }, pool));
            }
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }

        assertThat(failed).hasValue(0);
        int lost = 0;
        for (String id : ids) {
            int stored = Integer.parseInt(Browser.ok(Browser.getWithSessionId(a, "/s?op=get&name=n", id)));
            lost += acknowledged.get(id).get() - stored;
        }
        assertThat(lost).as("acknowledged increments lost, of " + clients * requestsPerClient).isZero();
    }

    /**
     * The first request's save waits in Redis (writes paused once it has loaded its session) while
     * the second request of the session arrives. The second must share the first's object (it
     * then waits for that save to finish before it touches the session) rather than load a copy
     * from Redis that misses the first's change. The test goes on when either happened: a request
     * thread waits for a session's lock (shared), or both wait in Redis (two copies: the second's
     * load is a script, which a write pause holds back too).
     */
    @Test
    void requestArrivingWhileTheLastOneSavesSharesItsObject() throws Exception {
        TomcatNode a = startNode("a");
        String id = Browser.of(a).body("/s?op=set&name=user&value=alice");
        incr(a, id); // n = 1; the scripts are loaded on the server by now
        String gate = "saving-" + namespace;

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<Reply> first = CompletableFuture.supplyAsync(
                    () -> Browser.getWithSessionId(a, "/s?op=hold&gate=" + gate + "&name=n&then=incr", id), threads);
            Gate.awaitArrivals(a, gate, 1); // the first request has loaded the session
            redis.command("CLIENT", "PAUSE", "30000", "WRITE");
            Gate.release(a, gate);
            Poll.until(Duration.ofSeconds(20), "the first request's save waits in Redis",
                    () -> blockedClients() == 1);
            CompletableFuture<Reply> second = CompletableFuture.supplyAsync(() -> incr(a, id), threads);
            Poll.until(Duration.ofSeconds(20), "the second request waits for the session or for Redis",
                    () -> aThreadWaitsForASessionLock() || blockedClients() == 2);
            redis.command("CLIENT", "UNPAUSE");

            assertThat(first.get(1, TimeUnit.MINUTES).body()).isEqualTo("2");
            assertThat(second.get(1, TimeUnit.MINUTES).body()).isEqualTo("3");
        } finally {
            redis.command("CLIENT", "UNPAUSE");
            threads.shutdownNow();
        }
        assertThat(Browser.ok(Browser.getWithSessionId(a, "/s?op=get&name=n", id))).isEqualTo("3");
    }

    private static Reply incr(TomcatNode node, String id) {
        return Browser.getWithSessionId(node, "/s?op=incr&name=n", id);
    }

    private static int blockedClients() {
        Matcher m = Pattern.compile("blocked_clients:(\\d+)").matcher(redis.command("INFO", "clients"));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static boolean aThreadWaitsForASessionLock() {
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, false)) {
            if (t.getThreadState() == Thread.State.BLOCKED && t.getLockInfo() != null
                    && t.getLockInfo().getClassName().equals(SessionState.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
