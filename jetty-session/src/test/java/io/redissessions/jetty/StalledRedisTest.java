package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisBinary;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Jetty against a Redis that stalls instead of going away (issue #12): SIGSTOP, {@code DEBUG SLEEP}
 * longer than the socket timeout, and an address whose TCP handshake never completes. Every
 * request that uses its session answers 503 (never a 500, never a new session), every request
 * returns (bounded waits), and the same nodes serve the sessions again afterwards.
 */
@Timeout(180)
class StalledRedisTest {

    /** Reaching this bound while waiting for an answer means a request thread hangs. */
    private static final Duration HANG = Duration.ofSeconds(30);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void close() throws Exception {
        threads.shutdownNow();
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T use(T resource) {
        resources.add(resource);
        return resource;
    }

    /** socketTimeoutMillis, connectTimeoutMillis, poolMaxWaitMillis: 500 (JettyNode's defaults). */
    private JettyNode node(String name, String uri) {
        return use(JettyNode.builder(name, uri).start());
    }

    /** Browsers, each with a session whose counter is 1. */
    private static List<Browser> browsers(List<JettyNode> nodes, int n) {
        List<Browser> browsers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Browser b = new Browser(nodes);
            assertThat(b.body("/s?op=incr&name=n")).isEqualTo("1");
            browsers.add(b);
        }
        return browsers;
    }

    /** One request per browser, all at once; every one must return. */
    private List<Reply> concurrently(List<Browser> browsers, String path) {
        List<Future<Reply>> sent = new ArrayList<>();
        for (Browser b : browsers) {
            sent.add(threads.submit(() -> b.get(path)));
        }
        long deadline = System.nanoTime() + HANG.toNanos();
        List<Reply> replies = new ArrayList<>();
        for (Future<Reply> f : sent) {
            try {
                replies.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                fail("a request did not return within " + HANG + ": a request thread hangs");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return replies;
    }

    private static void servedAgain(List<Browser> browsers, String idBefore0) {
        for (Browser b : browsers) {
            Poll.until(HANG, "the session is served again", () -> b.get("/s?op=get&name=n").status() == 200);
            assertThat(b.body("/s?op=get&name=n")).as("not a new session").isEqualTo("1");
        }
        assertThat(browsers.get(0).clusterId()).isEqualTo(idBefore0);
    }

    @Test
    void aStoppedRedisAnswers503ToEveryRequestNoThreadHangsAndServiceReturnsWhenItResumes() {
        RedisServer redis = use(RedisServer.startStandalone());
        List<JettyNode> nodes = List.of(node("nodeA", redis.uri()), node("nodeB", redis.uri()));
        List<Browser> browsers = browsers(nodes, 6);
        String id = browsers.get(0).clusterId();

        redis.pause();
        List<Reply> replies;
        try {
            replies = concurrently(browsers, "/s?op=get&name=n");
            replies.addAll(concurrently(browsers, "/s?op=incr&name=n"));
        } finally {
            redis.resume();
        }

        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(503));
        servedAgain(browsers, id);
    }

    @Test
    void aRedisSlowerThanTheSocketTimeoutAnswers503AndServiceReturnsAfterwards() throws Exception {
        RedisServer.Builder builder = RedisServer.builder();
        if (RedisBinary.majorVersion() >= 7) {
            builder.set("enable-debug-command", "yes"); // Redis 7 refuses DEBUG by default
        }
        RedisServer redis = use(builder.start());
        List<JettyNode> nodes = List.of(node("nodeA", redis.uri()), node("nodeB", redis.uri()));
        List<Browser> browsers = browsers(nodes, 6);
        String id = browsers.get(0).clusterId();

        Future<String> sleep = threads.submit(() -> redis.command("DEBUG", "SLEEP", "8"));
        Poll.until(HANG, "Redis is busy sleeping", () -> !answersWithin(redis, 100));
        List<Reply> replies = concurrently(browsers, "/s?op=get&name=n");
        assertThat(sleep.isDone()).as("all answered while Redis still slept").isFalse();

        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(503));
        assertThat(sleep.get(HANG.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("+OK");
        servedAgain(browsers, id);
    }

    @Test
    void aRedisAddressThatDropsConnectsIsEndedByConnectTimeoutMillis() {
        // a listening socket whose accept queue is full: Linux drops further SYNs
        ServerSocket full = listenerWithFullQueue();
        JettyNode a = use(JettyNode.builder("nodeA", "redis://127.0.0.1:" + full.getLocalPort())
                .store(f -> f.setSocketTimeoutMillis(60_000)) // only connectTimeoutMillis (500) ends a wait in time
                .start());
        List<Browser> browsers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            browsers.add(Browser.of(a));
        }

        List<Reply> replies = concurrently(browsers, "/s?op=incr&name=n");

        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(503));
        assertThat(browsers).allSatisfy(b -> assertThat(b.sessionId()).as("no session handed out").isEmpty());
    }

    private ServerSocket listenerWithFullQueue() {
        try {
            ServerSocket full = use(new ServerSocket());
            full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket();
                try {
                    s.connect(full.getLocalSocketAddress(), 500);
                    use(s); // kept open until the test ends: it fills the queue
                } catch (SocketTimeoutException e) {
                    s.close();
                    break;
                }
            }
            return full;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A raw PING with a short timeout: false while Redis does not answer. */
    private static boolean answersWithin(RedisServer redis, int millis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", redis.port()), 1000);
            s.setSoTimeout(millis);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return s.getInputStream().read() == '+';
        } catch (IOException e) {
            return false;
        }
    }
}
