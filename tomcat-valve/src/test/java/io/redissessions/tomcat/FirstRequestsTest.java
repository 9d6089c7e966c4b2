package io.redissessions.tomcat;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisSentinelGroup;
import io.redissessions.testing.TcpProxy;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh node's first requests (issue #12): the context starts without waiting for Redis and sets
 * up its connection in the background; requests that arrive meanwhile wait for it instead of
 * being answered 503. The Sentinel build is slowed by a {@link TcpProxy} in front of the sentinel
 * that holds its replies while the first requests arrive.
 */
@Timeout(120)
class FirstRequestsTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final int REQUESTS = 20;

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

    @Test
    void theFirstConcurrentRequestsOfAFreshNodeAllSucceed() throws Exception {
        RedisSentinelGroup group = use(RedisSentinelGroup.start());
        TcpProxy sentinel = use(TcpProxy.start());
        sentinel.forwardTo(group.sentinels().get(0).port());
        sentinel.holdReplies();
        String uri = "redis-sentinel://" + sentinel.address() + "/" + group.masterName();

        TomcatNode node = use(TomcatNode.builder("fresh", uri, "t" + UUID.randomUUID().toString().substring(0, 8))
                // room for the held replies within one socket timeout: the set-up must not fail
                .manager(m -> m.setSocketTimeoutMillis(10_000))
                .start());
        List<CompletableFuture<Reply>> first = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            first.add(CompletableFuture.supplyAsync(
                    () -> Browser.getWithSessionId(node, "/s?op=set&name=created&value=yes", null), threads));
        }
        Poll.until(BOUND, "the connection set-up waits for the sentinel", () -> !sentinel.heldReplies().isEmpty());
        Thread.sleep(1000); // the fault's duration: the requests arrive while the sentinel is slow
        sentinel.release();

        for (CompletableFuture<Reply> f : first) {
            Reply r = f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r.status()).as("%s", r).isEqualTo(200);
        }
        assertThat(node.contextManager().store().metrics().getRedisErrors()).isZero();
    }
}
