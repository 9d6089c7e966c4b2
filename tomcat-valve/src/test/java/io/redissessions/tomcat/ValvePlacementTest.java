package io.redissessions.tomcat;

import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.TestWebapp;
import org.apache.catalina.Authenticator;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Valve;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** The two context.xml lines of the README, the Valve line left out, and a misplaced valve. */
class ValvePlacementTest extends NodesTestBase {

    private final List<Path> docBases = new ArrayList<>();

    @AfterEach
    void deleteDocBases() {
        docBases.forEach(TestFiles::deleteRecursively);
    }

    /** The test webapp (with or without FORM login) with this META-INF/context.xml. */
    private Path webappWithContextXml(String contextXml, boolean formLogin) throws IOException {
        Path docBase = TomcatNode.webapp(Files.createTempDirectory("webapp-context-xml"),
                formLogin ? TestWebapp.Login.FORM : TestWebapp.Login.NONE);
        docBases.add(docBase);
        Files.createDirectories(docBase.resolve("META-INF"));
        Files.writeString(docBase.resolve("META-INF/context.xml"), contextXml);
        return docBase;
    }

    private static List<String> valveClasses(TomcatNode node) {
        List<String> names = new ArrayList<>();
        for (Valve v : node.context.getPipeline().getValves()) {
            names.add(v.getClass().getSimpleName());
        }
        return names;
    }

    @Test
    void theTwoLinesOfTheReadmeWorkAsTheyAreWritten() throws IOException {
        String contextXml = """
                <Context>
                  <Valve className="io.redissessions.tomcat.RedisSessionValve"/>
                  <Manager className="io.redissessions.tomcat.RedisSessionManager" uri="%s/0" namespace="%s"/>
                </Context>
                """.formatted(redis.uri(), namespace);
        Path docBase = webappWithContextXml(contextXml, true);
        TomcatNode a = started(node("a").docBase(docBase).managerFromContextXml().start());
        TomcatNode b = started(node("b").docBase(docBase).managerFromContextXml().start());

        assertThat(a.context.getManager()).isInstanceOf(RedisSessionManager.class);
        assertThat(valveClasses(a)).containsSubsequence("RedisSessionValve", "FormAuthenticator")
                .filteredOn("RedisSessionValve"::equals).hasSize(1);
        Browser browser = Browser.of(a, b);
        browser.body("/s?op=set&name=user&value=alice");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.get(a, "/protected/page").body()).isEqualTo("LOGIN-PAGE");
        assertThat(browser.post(b, "/j_security_check", TestWebapp.ALICE.loginForm()).status())
                .isEqualTo(303);
        assertThat(browser.body(a, "/protected/page")).startsWith("PROTECTED /protected/page user=alice");
    }

    @Test
    void withoutTheValveLineTheManagerPutsTheValveBeforeTheAuthenticator() throws IOException {
        String contextXml = """
                <Context>
                  <Manager className="io.redissessions.tomcat.RedisSessionManager" uri="%s" namespace="%s"/>
                </Context>
                """.formatted(redis.uri(), namespace);
        Path docBase = webappWithContextXml(contextXml, true);
        TomcatNode a = started(node("a").docBase(docBase).managerFromContextXml().start());

        assertThat(valveClasses(a)).containsSubsequence("RedisSessionValve", "FormAuthenticator")
                .filteredOn("RedisSessionValve"::equals).hasSize(1);
    }

    @Test
    void valveAfterTheAuthenticatorStopsTheContextSayingWhatToMove() throws IOException {
        String contextXml = """
                <Context>
                  <Valve className="org.apache.catalina.authenticator.FormAuthenticator"/>
                  <Valve className="io.redissessions.tomcat.RedisSessionValve"/>
                  <Manager className="io.redissessions.tomcat.RedisSessionManager" uri="%s" namespace="%s"/>
                </Context>
                """.formatted(redis.uri(), namespace);
        Path docBase = webappWithContextXml(contextXml, true);

        AtomicReference<TomcatNode> node = new AtomicReference<>();
        List<String> messages = captureLogs(() -> node.set(started(node("a").docBase(docBase).managerFromContextXml().start())));

        TomcatNode a = node.get();
        assertThat(a.context.getState()).isNotEqualTo(LifecycleState.STARTED);
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .contains("comes after the authenticator org.apache.catalina.authenticator.FormAuthenticator")
                .contains("Move the RedisSessionValve line above the authenticator's <Valve> line"));
        boolean authenticatorFirst = false;
        for (Valve v : a.context.getPipeline().getValves()) {
            if (v instanceof Authenticator) {
                authenticatorFirst = true;
            }
            if (v instanceof RedisSessionValve) {
                assertThat(authenticatorFirst).isTrue();
            }
        }
    }

    @Test
    void badSettingStopsTheContextNamingTheSetting() throws IOException {
        String contextXml = """
                <Context>
                  <Manager className="io.redissessions.tomcat.RedisSessionManager" uri="%s"
                           connectTimeoutMillis="2s" namespace="%s"/>
                </Context>
                """.formatted(redis.uri(), namespace);
        Path docBase = webappWithContextXml(contextXml, false);

        AtomicReference<TomcatNode> node = new AtomicReference<>();
        List<String> messages = captureLogs(() -> node.set(started(node("a").docBase(docBase).managerFromContextXml().start())));

        assertThat(node.get().context.getState()).isNotEqualTo(LifecycleState.STARTED);
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .contains("invalid value for setting 'connectTimeoutMillis': '2s'"));
    }

    /** Every log message and the messages of every cause of its exception, while {@code action} runs. */
    static List<String> captureLogs(Runnable action) {
        List<String> messages = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                StringBuilder sb = new StringBuilder(String.valueOf(record.getMessage()));
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    sb.append(" | ").append(t.getMessage());
                }
                messages.add(sb.toString());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            action.run();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                messages.add(String.valueOf(t.getMessage()));
            }
        } finally {
            root.removeHandler(capture);
        }
        return messages;
    }
}
