package io.redissessions.jetty;

import io.redissessions.core.SessionIds;
import io.redissessions.core.store.SessionKeys;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.contract.Gate;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.JettyLoggerFactory;
import org.eclipse.jetty.logging.StdErrAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session ids are bearer secrets: whoever reads one in a log can take the session over. Lines at
 * INFO and above name a session by {@link SessionIds#fingerprint}; the full id shows at DEBUG only.
 * The log is read as Jetty writes it (jetty-slf4j-impl), Jetty's own lines included.
 */
class SessionIdLoggingTest {

    private static final Pattern LINE_START = Pattern.compile("^\\S+ ?\\S*:(TRACE|DEBUG|INFO|WARN|ERROR)\\s*:");

    /** A log entry: its level and its text, continuation lines (stack traces) included. */
    record Entry(String level, String text) {
    }

    private RedisServer redis;
    private JettyNode node;
    private StdErrAppender appender;
    private PrintStream originalStream;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void captureJettyLog() {
        appender = (StdErrAppender) ((JettyLogger) LoggerFactory.getLogger(RedisSessionDataStore.class)).getAppender();
        originalStream = appender.getStream();
        PrintStream original = originalStream != null ? originalStream : System.err; // null: System.err
        appender.setStream(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
        factory().setLoggerLevel("io.redissessions", "DEBUG");
    }

    @AfterEach
    void restore() {
        if (node != null) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
        factory().setLoggerLevel("io.redissessions", "INFO");
        appender.setStream(originalStream);
    }

    private static JettyLoggerFactory factory() {
        return (JettyLoggerFactory) LoggerFactory.getILoggerFactory();
    }

    private List<Entry> entries() {
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        List<Entry> entries = new ArrayList<>();
        String level = null;
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            Matcher m = LINE_START.matcher(line);
            if (m.find()) {
                if (level != null) {
                    entries.add(new Entry(level, current.toString()));
                }
                level = m.group(1);
                current = new StringBuilder(line);
            } else if (level != null) {
                current.append('\n').append(line);
            }
        }
        if (level != null) {
            entries.add(new Entry(level, current.toString()));
        }
        return entries;
    }

    private List<Entry> infoAndAbove() {
        return entries().stream().filter(e -> !e.level().equals("DEBUG") && !e.level().equals("TRACE")).toList();
    }

    @Test
    void linesAboutASessionNameItsFingerprintAndTheFullIdOnlyAtDebug() throws Exception {
        redis = RedisServer.startStandalone();
        node = JettyNode.builder("nodeA", redis.uri()).start();
        Browser client = Browser.of(node);
        client.body("/s?op=set&name=good&value=1");
        String id = client.clusterId();
        String key = new SessionKeys("rs:", "app").sessionKey(id);

        // an attribute that cannot be decoded
        redis.command("HSET", key, "a:bad", "not a value");
        assertThat(client.body("/s?op=get&name=bad")).isEqualTo("null");

        // a save that finds the session deleted by another node meanwhile
        String gate = "gone-" + System.nanoTime();
        CompletableFuture<Reply> parked = client.getAsync(node, "/s?op=hold&gate=" + gate + "&name=late&then=set&value=1");
        Gate.awaitArrivals(node, gate, 1);
        redis.command("DEL", key);
        Gate.release(node, gate);
        assertThat(Browser.ok(parked.get(30, TimeUnit.SECONDS))).isEqualTo("ok");

        // a session key that does not hold a session
        client.body("/s?op=set&name=good&value=2");
        String second = client.clusterId();
        String secondKey = new SessionKeys("rs:", "app").sessionKey(second);
        redis.command("DEL", secondKey);
        redis.command("SET", secondKey, "not a session");
        assertThat(client.body("/s?op=get&name=good")).isEqualTo("no-session");

        for (String sessionId : List.of(id, second)) {
            assertThat(infoAndAbove()).as("lines at INFO and above").noneMatch(e -> e.text().contains(sessionId));
        }
        assertThat(infoAndAbove()).as("the undecodable attribute, by fingerprint")
                .anyMatch(e -> e.text().contains("'bad'") && e.text().contains(SessionIds.fingerprint(id)));
        assertThat(infoAndAbove()).as("the unreadable session, by fingerprint")
                .anyMatch(e -> e.text().contains(SessionIds.fingerprint(second)));
        assertThat(entries()).as("DEBUG lines name the session in full")
                .anyMatch(e -> e.level().equals("DEBUG") && e.text().contains(id));
    }
}
