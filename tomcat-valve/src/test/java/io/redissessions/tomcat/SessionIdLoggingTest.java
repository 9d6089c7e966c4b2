package io.redissessions.tomcat;

import io.redissessions.core.SessionIds;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session id is a bearer secret: whoever reads it in a log can take the session over. Lines at
 * INFO and above name a session by {@link SessionIds#fingerprint}; the full id is for DEBUG only.
 * Checked on what Tomcat's logging (JULI over java.util.logging here) receives during an outage.
 */
class SessionIdLoggingTest extends NodesTestBase {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private RedisServer own;

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
        if (own != null) {
            own.close();
        }
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

    /** Every line at INFO or above, with the messages of its exception chain. */
    private List<String> linesAtInfoOrAbove() {
        SimpleFormatter formatter = new SimpleFormatter();
        List<String> lines = new ArrayList<>();
        for (LogRecord r : records) {
            if (r.getLevel().intValue() < Level.INFO.intValue()) {
                continue;
            }
            StringBuilder line = new StringBuilder(r.getLevel() + " " + r.getLoggerName() + ": "
                    + formatter.formatMessage(r));
            for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private void assertNoSessionIdLogged(List<String> ids) {
        List<String> lines = linesAtInfoOrAbove();
        for (String id : ids) {
            assertThat(lines).as("lines at INFO+ naming session " + id).noneMatch(l -> l.contains(id));
        }
    }

    @Test
    void anOutageLogsFingerprintsNotSessionIds() {
        int port = RedisServer.freePort();
        own = RedisServer.builder().port(port).start();
        TomcatNode a = startOn("a", port, "fail");
        Browser browser = Browser.of(a);
        String id = browser.body("/s?op=set&name=user&value=alice");

        own.kill();
        for (int i = 0; i < 3; i++) {
            assertThat(browser.get("/s?op=get&name=user").status()).isEqualTo(503);
        }
        // the id in the URL instead of the cookie (URL rewriting)
        Browser noCookies = Browser.of(a);
        assertThat(noCookies.get("/s;jsessionid=" + id + "?op=get&name=user").status()).isEqualTo(503);
        own.start();
        browser.forgetCookies();
        browser.body("/s?op=set&name=user&value=bob");

        assertThat(linesAtInfoOrAbove()).as("the 503 is logged").anyMatch(l -> l.contains("503"));
        assertThat(linesAtInfoOrAbove()).as("lines name the session by its fingerprint")
                .anyMatch(l -> l.contains(SessionIds.fingerprint(id)));
        assertNoSessionIdLogged(List.of(id, RedisSessionManager.clusterId(id)));
    }

    @Test
    void nodeLocalSessionsLogFingerprintsNotSessionIds() {
        int port = RedisServer.freePort();
        own = RedisServer.builder().port(port).start();
        TomcatNode a = startOn("a", port, "local");
        Browser browser = Browser.of(a);
        String stored = browser.body("/s?op=set&name=user&value=alice");

        own.kill();
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("no-session");
        String local = browser.body("/s?op=set&name=user&value=bob");
        own.start();
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
        assertThat(a.contextManager().getLocalSessions()).isZero();

        assertNoSessionIdLogged(List.of(stored, local));
    }
}
