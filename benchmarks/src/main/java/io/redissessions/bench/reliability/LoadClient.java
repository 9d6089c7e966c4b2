package io.redissessions.bench.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Steady load of session reads and writes over several nodes, counting every answer: each of
 * {@code clients} threads owns some sessions and sends their requests one at a time (so each
 * session is used by one request at a time), each request to the next node (no stickiness),
 * three {@code /rw} for one {@code /ro}. {@link TrackedSession} checks each answer.
 */
final class LoadClient {

    private final List<String> nodeUrls;
    private final List<String> nodeNames;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final List<TrackedSession> sessions = new ArrayList<>();
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> anomalies = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private long startNanos;

    LoadClient(List<String> nodeUrls, List<String> nodeNames, Duration requestTimeout) {
        this.nodeUrls = List.copyOf(nodeUrls);
        this.nodeNames = List.copyOf(nodeNames);
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Creates {@code n} sessions, each on the next node; all must succeed. */
    void createSessions(int n) {
        for (int i = 0; i < n; i++) {
            int node = i % nodeUrls.size();
            Reply r = send(nodeUrls.get(node) + "/rw", null);
            if (r.status != 200 || r.setCookie == null) {
                throw new IllegalStateException("creating session " + i + " on " + nodeNames.get(node) + ": " + r.status
                        + " " + r.body);
            }
            PageLine line = PageLine.parse(r.body);
            sessions.add(new TrackedSession(i, r.setCookie, line.born(), line.counter()));
        }
    }

    List<TrackedSession> sessions() {
        return Collections.unmodifiableList(sessions);
    }

    /** Milliseconds since {@link #start}. */
    long now() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    void start(int clients) {
        startNanos = System.nanoTime();
        running.set(true);
        for (int c = 0; c < clients; c++) {
            List<TrackedSession> own = new ArrayList<>();
            for (int i = c; i < sessions.size(); i += clients) {
                own.add(sessions.get(i));
            }
            if (own.isEmpty()) {
                continue;
            }
            Thread t = new Thread(() -> loop(own), "load-client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void loop(List<TrackedSession> own) {
        long n = 0;
        while (running.get()) {
            for (TrackedSession s : own) {
                if (!running.get()) {
                    return;
                }
                String page = (n + s.index) % 4 == 3 ? "ro" : "rw";
                int node = (int) ((n + s.index) % nodeUrls.size());
                request(s, node, page);
            }
            n++;
        }
    }

    private void request(TrackedSession s, int node, String page) {
        long at = now();
        Reply r = send(nodeUrls.get(node) + "/" + page, s.cookie);
        answers.add(new Answer(at, now() - at, r.status, nodeNames.get(node), page));
        if (r.status == 200) {
            PageLine line;
            try {
                line = PageLine.parse(r.body);
            } catch (RuntimeException e) {
                anomaly(at, nodeNames.get(node), page, "unreadable 200 answer: " + r.body);
                return;
            }
            String problem = s.onAnswer(page, line, r.setCookie);
            if (problem != null) {
                anomaly(at, nodeNames.get(node), page, "session " + s.index + ": " + problem);
            }
        } else if (r.status != 503) {
            anomaly(at, nodeNames.get(node), page, Answer.statusName(r.status) + ": " + abbreviate(r.body));
        }
    }

    private void anomaly(long at, String node, String page, String what) {
        if (anomalies.size() < 200) {
            anomalies.add(String.format("%.1f s %s /%s: %s", at / 1000.0, node, page, what));
        }
    }

    /** Stops the threads; waits for the requests in flight (at most the request timeout and 5 s). */
    void stop() {
        running.set(false);
        long deadline = System.nanoTime() + requestTimeout.plusSeconds(5).toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    t.join(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    List<Answer> answers() {
        return List.copyOf(answers);
    }

    List<String> anomalies() {
        return List.copyOf(anomalies);
    }

    /**
     * After the load: each session read once more with {@code /ro} (up to 5 attempts, 1 s apart,
     * while the answer is not 200), from a node other than the last one used.
     */
    FinalCheck finalCheck() {
        int present = 0;
        int missing = 0;
        int unanswered = 0;
        long lost = 0;
        List<String> notes = new ArrayList<>();
        for (TrackedSession s : sessions) {
            String url = nodeUrls.get((s.index + 1) % nodeUrls.size()) + "/ro";
            Reply r = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                r = send(url, s.cookie);
                if (r.status == 200) {
                    break;
                }
                pause(1000);
            }
            if (r.status != 200) {
                unanswered++;
                if (notes.size() < 10) {
                    notes.add("session " + s.index + ": final read answered " + Answer.statusName(r.status));
                }
                continue;
            }
            PageLine line = PageLine.parse(r.body);
            if (line.noSession() || !line.born().equals(s.born)) {
                missing++;
                if (notes.size() < 10) {
                    notes.add("session " + s.index + " is gone at the end (" + r.body.trim() + ")");
                }
            } else {
                present++;
                if (line.counter() < s.lastAcked) {
                    lost += s.lastAcked - line.counter();
                    if (notes.size() < 10) {
                        notes.add("session " + s.index + " holds " + line.counter() + " at the end, " + s.lastAcked
                                + " were acknowledged");
                    }
                }
            }
        }
        return new FinalCheck(present, missing, unanswered, lost, notes);
    }

    /** The sessions read after the load: present, gone, not readable; increments lost at the end. */
    record FinalCheck(int present, int missing, int unanswered, long lostAtEnd, List<String> notes) {
    }

    private record Reply(int status, String body, String setCookie) {
    }

    private Reply send(String url, String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout).GET();
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                    .map(c -> c.split(";", 2)[0]).findFirst().orElse(null);
            return new Reply(r.statusCode(), r.body(), setCookie);
        } catch (HttpTimeoutException e) {
            return new Reply(Answer.NO_ANSWER, e.toString(), null);
        } catch (IOException e) {
            return new Reply(Answer.NO_CONNECTION, e.toString(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(Answer.NO_CONNECTION, e.toString(), null);
        }
    }

    private static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
