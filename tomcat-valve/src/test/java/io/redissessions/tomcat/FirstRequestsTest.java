package io.redissessions.tomcat;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisSentinelGroup;
import io.redissessions.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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

    @AfterEach
    void close() throws Exception {
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
                .context(CookieClient::install)
                .start());
        CookieClient client = new CookieClient();
        List<CompletableFuture<HttpResponse<String>>> first = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            first.add(client.getAsync(node, "/c?op=create", null));
        }
        Poll.until(BOUND, "the connection set-up waits for the sentinel", () -> !sentinel.heldReplies().isEmpty());
        Thread.sleep(1000); // the fault's duration: the requests arrive while the sentinel is slow
        sentinel.release();

        for (CompletableFuture<HttpResponse<String>> f : first) {
            HttpResponse<String> r = f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r.statusCode()).as("%s", r.body()).isEqualTo(200);
        }
        assertThat(node.contextManager().store().metrics().getRedisErrors()).isZero();
    }
}
