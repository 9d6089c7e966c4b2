package io.redissessions.tomcat;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restarted Redis answers {@code LOADING} to every command until it has read its data back.
 * That says nothing about the session: the requests in that phase get 503, and the session is
 * there afterwards, neither replaced by a new, empty one nor deleted.
 *
 * <p>The loading phase is made long on purpose: {@code key-load-delay} (µs per key) slows the
 * load, keys of about 1 KB with {@code loading-process-events-interval-bytes 1024} make Redis
 * answer clients between two keys, and the test ends the phase itself ({@code CONFIG SET
 * key-load-delay 0}, which Redis accepts while loading) once its requests are done.
 */
class RedisLoadingTest extends NodesTestBase {

    /** 200 ms per key: 200 filler keys make a loading phase of 40 s unless the test ends it. */
    private static final String KEY_LOAD_DELAY_MICROS = "200000";
    private static final int FILLER_KEYS = 200;

    private RedisServer own;

    @AfterEach
    void stopOwnRedis() {
        if (own != null) {
            own.close();
        }
    }

    private String info(String what) {
        return RedisServer.Resp.command("127.0.0.1", own.port(), null, "INFO", what);
    }

    private boolean loading() {
        return info("persistence").contains("loading:1");
    }

    @Test
    void sessionSurvivesARedisRestartWithALongLoadingPhase() throws Exception {
        own = RedisServer.builder()
                .set("rdbcompression", "no")
                .set("loading-process-events-interval-bytes", "1024")
                .set("key-load-delay", KEY_LOAD_DELAY_MICROS)
                .start();
        TomcatNode a = started(TomcatNode.builder("a", own.uri(), namespace).manager(m -> {
            m.setConnectTimeoutMillis(2000);
            m.setSocketTimeoutMillis(2000);
        }).start());
        Browser browser = new Browser(a);
        String id = browser.body("/s?op=set&name=user&value=alice");
        List<String[]> fill = new ArrayList<>();
        for (int i = 0; i < FILLER_KEYS; i++) {
            fill.add(new String[] {"SET", "filler:" + i, ("x" + i).repeat(1100 / (1 + Integer.toString(i).length()))});
        }
        own.commands(fill);
        assertThat(own.command("SAVE")).isEqualTo("+OK");

        own.kill();
        CompletableFuture<RedisServer> restarted = CompletableFuture.supplyAsync(own::start);
        Poll.until(Duration.ofSeconds(20), "Redis is loading its data", this::loading);

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = browser.get("/s?op=get&name=user");
            assertThat(r.statusCode()).as("during LOADING: " + r.body()).isEqualTo(503);
            assertThat(r.headers().allValues("Set-Cookie")).as("no new session handed out").isEmpty();
        }
        assertThat(loading()).as("still loading after the requests").isTrue();

        RedisServer.Resp.command("127.0.0.1", own.port(), null, "CONFIG", "SET", "key-load-delay", "0");
        restarted.get(1, TimeUnit.MINUTES);
        assertThat(loading()).isFalse();

        assertThat(own.command("EXISTS", new SessionKeys("rs:", namespace).sessionKey(id))).isEqualTo(":1");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        browser.body("/s?op=set&name=user&value=bob");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
        assertThat(browser.sessionId()).contains(id);
    }
}
