package io.redissessions.tomcat;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisBinary;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Tomcat against a Redis that stalls instead of going away (issue #12): a process stopped with
 * SIGSTOP, one busy in {@code DEBUG SLEEP} longer than the socket timeout, and an address whose
 * TCP handshake never completes. Every request that needs its session answers 503 (never a new,
 * empty session, never a 500), every request returns (bounded waits: reaching one means a request
 * thread hangs), and the same nodes serve the sessions again once Redis answers.
 */
@Timeout(180)
class StalledRedisTest {

    /** Reaching this bound while waiting for an answer means a request thread hangs. */
    private static final Duration HANG = Duration.ofSeconds(30);
    private static final int SESSIONS = 6;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private String namespace;

    @BeforeEach
    void freshNamespace() {
        namespace = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

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

    private TomcatNode node(String name, String uri, int socketTimeoutMillis) {
        return use(TomcatNode.builder(name, uri, namespace)
                .manager(m -> {
                    m.setConnectTimeoutMillis(500);
                    m.setSocketTimeoutMillis(socketTimeoutMillis);
                    m.setPoolMaxWaitMillis(500);
                })
                .start());
    }

    private List<String> sessions(TomcatNode node) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            ids.add(Browser.ok(Browser.getWithSessionId(node, "/s?op=set&name=created&value=yes", null)));
        }
        for (String id : ids) {
            assertThat(Browser.ok(Browser.getWithSessionId(node, "/s?op=incr&name=n", id))).isEqualTo("1");
        }
        return ids;
    }

    /** One request per session, all at once, half to each node; every one must return. */
    private List<Reply> concurrentRequests(List<String> ids, TomcatNode... nodes) {
        List<CompletableFuture<Reply>> sent = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            TomcatNode node = nodes[i % nodes.length];
            String id = ids.get(i);
            sent.add(CompletableFuture.supplyAsync(() -> Browser.getWithSessionId(node, "/s?op=incr&name=n", id), threads));
        }
        long deadline = System.nanoTime() + HANG.toNanos();
        List<Reply> answers = new ArrayList<>();
        for (CompletableFuture<Reply> f : sent) {
            try {
                answers.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                fail("a request did not return within " + HANG + ": a request thread hangs");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return answers;
    }

    private static void assertFailureAnswers(List<Reply> answers) {
        assertThat(answers).allSatisfy(r -> {
            assertThat(r.status()).as("the failure answer, not a 500 nor a new session").isEqualTo(503);
            assertThat(r.headers().allValues("Set-Cookie")).as("no new session handed out").isEmpty();
        });
    }

    /** Each session is served again by the same nodes, with its counter as it was. */
    private void servedAgain(List<String> ids, TomcatNode... nodes) {
        for (int i = 0; i < ids.size(); i++) {
            TomcatNode node = nodes[i % nodes.length];
            String id = ids.get(i);
            Poll.until(HANG, "session " + i + " is served again by " + node.name(),
                    () -> Browser.getWithSessionId(node, "/s?op=get&name=n", id).status() == 200);
            assertThat(Browser.ok(Browser.getWithSessionId(node, "/s?op=get&name=n", id))).as("not a new session").isEqualTo("1");
        }
    }

    @Test
    void aStoppedRedisAnswers503ToEveryRequestNoThreadHangsAndServiceReturnsWhenItResumes() {
        RedisServer redis = use(RedisServer.startStandalone());
        TomcatNode a = node("a", redis.uri(), 500);
        TomcatNode b = node("b", redis.uri(), 500);
        List<String> ids = sessions(a);

        redis.pause();
        List<Reply> answers;
        try {
            answers = concurrentRequests(ids, a, b);
            answers.addAll(concurrentRequests(ids, b, a)); // again, with the broken connections gone
        } finally {
            redis.resume();
        }

        assertFailureAnswers(answers);
        servedAgain(ids, a, b);
    }

    @Test
    void aRedisSlowerThanTheSocketTimeoutAnswers503AndServiceReturnsAfterwards() throws Exception {
        RedisServer.Builder builder = RedisServer.builder();
        if (RedisBinary.majorVersion() >= 7) {
            builder.set("enable-debug-command", "yes"); // Redis 7 refuses DEBUG by default
        }
        RedisServer redis = use(builder.start());
        TomcatNode a = node("a", redis.uri(), 500);
        TomcatNode b = node("b", redis.uri(), 500);
        List<String> ids = sessions(a);

        Future<String> sleep = threads.submit(() -> redis.command("DEBUG", "SLEEP", "8"));
        Poll.until(HANG, "Redis is busy sleeping", () -> !answersWithin(redis, 100));
        List<Reply> answers = concurrentRequests(ids, a, b);
        assertThat(sleep.isDone()).as("all answered while Redis still slept").isFalse();

        assertFailureAnswers(answers);
        assertThat(sleep.get(HANG.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("+OK");
        servedAgain(ids, a, b);
    }

    @Test
    void aRedisAddressThatDropsConnectsIsEndedByConnectTimeoutMillis() throws Exception {
        // a listening socket whose accept queue is full: Linux drops further SYNs, so a connect
        // neither succeeds nor is refused, as towards a host that drops packets
        ServerSocket full = use(new ServerSocket());
        full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
        for (int i = 0; i < 4; i++) {
            Socket s = new Socket();
            try {
                s.connect(full.getLocalSocketAddress(), 500);
                use(s);
            } catch (SocketTimeoutException e) {
                s.close();
                break; // the queue is full
            }
        }
        // only connectTimeoutMillis (500) can end a wait within HANG: the socket timeout is a minute
        TomcatNode a = node("a", "redis://127.0.0.1:" + full.getLocalPort(), 60_000);

        List<Reply> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.addAll(concurrentRequests(List.of("no-such-session-" + i), a));
        }
        Reply create = concurrentRequestsWithoutSession(a);

        assertFailureAnswers(answers);
        assertThat(create.status()).as("a new session needs Redis too").isEqualTo(503);
        assertThat(a.contextManager().isRedisReachable()).isFalse();
    }

    private Reply concurrentRequestsWithoutSession(TomcatNode node) throws Exception {
        return CompletableFuture.supplyAsync(() -> Browser.getWithSessionId(node, "/s?op=set&name=created&value=yes", null), threads)
                .get(HANG.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A raw PING with a short timeout: false while Redis does not answer. */
    private static boolean answersWithin(RedisServer redis, int millis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", redis.port()), 1000);
            s.setSoTimeout(millis);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return in.read() == '+';
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
