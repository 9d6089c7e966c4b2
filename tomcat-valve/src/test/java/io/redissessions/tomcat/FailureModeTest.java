package io.redissessions.tomcat;

import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis down at start and in the middle of traffic, with failureMode fail (default) and local. */
class FailureModeTest extends NodesTestBase {

    private RedisServer own;

    @AfterEach
    void stopOwnRedis() {
        if (own != null) {
            own.close();
        }
    }

    /** A Redis of this test only, with an append-only file so that its data survives a crash. */
    private RedisServer ownRedis(int port) {
        return RedisServer.builder().port(port).set("appendonly", "yes").set("appendfsync", "always").start();
    }

    private TomcatNode startOn(String name, int port, String failureMode) {
        return started(TomcatNode.builder(name, "redis://127.0.0.1:" + port, namespace)
                .manager(m -> {
                    m.setFailureMode(failureMode);
                    m.setConnectTimeoutMillis(500);
                    m.setSocketTimeoutMillis(500);
                })
                .start());
    }

    @Test
    void tomcatStartsWhileRedisIsDownAndSessionsWorkOnceItIsUp() {
        int port = RedisServer.freePort();
        TomcatNode a = startOn("a", port, "fail");
        TomcatNode b = startOn("b", port, "fail");
        Browser browser = new Browser(a, b);
        assertThat(a.context.getState().isAvailable()).isTrue();

        HttpResponse<String> down = browser.get("/s?op=set&name=user&value=alice");
        assertThat(down.statusCode()).isEqualTo(503);

        own = ownRedis(port);
        browser.forgetCookies();
        assertThat(browser.get("/s?op=set&name=user&value=alice").statusCode()).isEqualTo(200);
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        assertThat(a.contextManager().isRedisReachable()).isTrue();
    }

    @Test
    void redisDownMidTrafficAnswers503NeverANewSessionAndRecoversWithoutRestart() {
        int port = RedisServer.freePort();
        own = ownRedis(port);
        TomcatNode a = startOn("a", port, "fail");
        TomcatNode b = startOn("b", port, "fail");
        Browser browser = new Browser(a, b);
        String id = browser.body("/s?op=set&name=user&value=alice");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");

        own.kill();

        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = browser.get("/s?op=get&name=user");
            assertThat(r.statusCode()).as("while Redis is down").isEqualTo(503);
            assertThat(r.headers().allValues("Set-Cookie")).as("no new session handed out").isEmpty();
        }
        assertThat(browser.sessionId()).contains(id);
        assertThat(a.contextManager().isRedisReachable()).isFalse();

        own.start();

        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        browser.body("/s?op=set&name=user&value=bob");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
        assertThat(browser.sessionId()).contains(id);
    }

    @Test
    void redisRestartedBetweenTwoRequestsCostsNoRequest() {
        int port = RedisServer.freePort();
        own = ownRedis(port);
        TomcatNode a = startOn("a", port, "fail");
        Browser browser = new Browser(a);
        browser.body("/s?op=set&name=user&value=alice");
        browser.body("/s?op=set&name=user&value=bob"); // two pooled connections

        own.kill();
        own.start();

        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
        browser.body("/s?op=set&name=user&value=carol");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("carol");
    }

    @Test
    void localModeServesNodeLocalSessionsWhileRedisIsDownSaysSoAndMovesThemToRedisAfterwards() {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(RedisSessionManager.class.getName());
        logger.addHandler(capture);
        try {
            int port = RedisServer.freePort();
            own = ownRedis(port);
            TomcatNode a = startOn("a", port, "local");
            Browser browser = new Browser(a);
            browser.body("/s?op=set&name=user&value=alice");

            own.kill();

            // the stored session is out of reach: the request goes on without it, not with an error
            assertThat(browser.body("/s?op=get&name=user")).isEqualTo("no-session");
            String localId = browser.body("/s?op=set&name=user&value=bob");
            assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
            assertThat(a.contextManager().getLocalSessions()).isEqualTo(1);
            assertThat(warnings).anySatisfy(r -> assertThat(r.getMessage()).contains("serving node-local sessions"));

            own.start();

            assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
            assertThat(a.contextManager().getLocalSessions()).isZero();
            TomcatNode b = startOn("b", port, "local");
            assertThat(browser.body(b, "/s?op=get&name=user")).isEqualTo("bob");
            assertThat(browser.sessionId()).contains(localId);
        } finally {
            logger.removeHandler(capture);
        }
    }
}
