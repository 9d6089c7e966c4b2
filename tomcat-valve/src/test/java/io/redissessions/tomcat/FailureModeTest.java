package io.redissessions.tomcat;

import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * failureMode=local with Redis down: node-local sessions, said so in the log and the JMX count.
 * failureMode=fail is the container contract's ({@link TomcatRedisOutageContractTest}).
 */
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
            Browser browser = Browser.of(a);
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
