package io.redissessions.tomcat;

import io.redissessions.testing.Poll;
import io.redissessions.testing.contract.Concurrently;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node with more concurrent requests than Redis connections is overloaded, not cut off from
 * Redis: a request that gets no pooled connection in time is answered 503, also with
 * {@code failureMode="local"} (a node-local session would split the user's state while Redis is
 * fine), and Redis is not reported down.
 */
class OverloadTest extends NodesTestBase {

    private static int blockedClients() {
        Matcher m = Pattern.compile("blocked_clients:(\\d+)").matcher(redis.command("INFO", "clients"));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @Test
    void noPooledConnectionInTimeAnswers503EvenInLocalMode() throws Exception {
        TomcatNode a = started(node("a").manager(m -> {
            m.setFailureMode("local");
            m.setPoolMaxTotal(1);
            m.setPoolMaxWaitMillis(300);
            m.setSocketTimeoutMillis(20_000);
        }).start());
        String busy = Browser.of(a).body("/s?op=set&name=n&value=start");
        String other = Browser.of(a).body("/s?op=set&name=n&value=start");

        // the only connection stays in use: the busy session's save waits in Redis
        redis.command("CLIENT", "PAUSE", "30000", "WRITE");
        CompletableFuture<Reply> holding;
        Reply r;
        try {
            holding = Concurrently.onOwnThread("holding", () -> Browser.getWithSessionId(a, "/s?op=set&name=n&value=changed", busy));
            Poll.until(Duration.ofSeconds(20), "the save holds the only connection", () -> blockedClients() == 1);

            r = Browser.getWithSessionId(a, "/s?op=get&name=n", other);
        } finally {
            redis.command("CLIENT", "UNPAUSE");
        }

        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(Browser.ok(holding.get(1, TimeUnit.MINUTES))).isEqualTo(busy);
        RedisSessionManager m = a.contextManager();
        assertThat(m.getLocalSessions()).as("node-local sessions").isZero();
        assertThat(m.isRedisReachable()).isTrue();
        assertThat(m.getStoreMetrics().getPoolExhaustions()).isEqualTo(1);
        assertThat(Browser.ok(Browser.getWithSessionId(a, "/s?op=get&name=n", other))).isEqualTo("start");
        assertThat(Browser.ok(Browser.getWithSessionId(a, "/s?op=get&name=n", busy))).isEqualTo("changed");
    }
}
