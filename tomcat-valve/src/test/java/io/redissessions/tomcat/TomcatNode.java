package io.redissessions.tomcat;

import io.redissessions.testing.JavaSources;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.TestWebapp;
import io.redissessions.testing.web.WebNode;
import jakarta.servlet.http.HttpServlet;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * One embedded Tomcat node with the test webapp ({@link TestWebapp}, compiled against Tomcat's
 * servlet API, in WEB-INF/classes: only the webapp's loader sees its classes) at {@code /app}, the
 * users of {@link TestWebapp#USERS}, and a {@link RedisSessionManager} configured like a user
 * would (plus the test's clock). Tomcat's background thread is off: tests run the manager's
 * background work themselves ({@link #backgroundProcess()}).
 */
final class TomcatNode implements WebNode, AutoCloseable {

    final String name;
    final Tomcat tomcat;
    final Context context;
    final RedisSessionManager manager;
    private final Path baseDir;
    private final boolean ownDocBase;
    private final Path docBase;
    private boolean stopped;

    private TomcatNode(Builder b) throws IOException, LifecycleException {
        this.name = b.name;
        this.baseDir = Files.createTempDirectory("tomcat-" + b.name);
        this.ownDocBase = b.docBase == null;
        this.docBase = b.docBase != null ? b.docBase : webapp(baseDir.resolve("webapp"), b.login);

        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getEngine().setName(b.name); // the JMX domain: distinct per node in one JVM
        tomcat.getEngine().setBackgroundProcessorDelay(-1);
        if (b.jvmRoute != null) {
            tomcat.getEngine().setJvmRoute(b.jvmRoute);
        }
        tomcat.setAddDefaultWebXmlToWebapp(false);
        for (TestWebapp.User user : TestWebapp.USERS) {
            tomcat.addUser(user.name(), user.password());
            user.roles().forEach(role -> tomcat.addRole(user.name(), role));
        }

        ContextConfig config = new ContextConfig();
        config.setDefaultWebXml(tomcat.noDefaultWebXmlPath());
        context = tomcat.addWebapp(tomcat.getHost(), "/app", docBase.toString(), config);
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        scanner.setScanManifest(false);
        context.setJarScanner(scanner);
        context.addParameter(TestWebapp.NODE_NAME, b.name);
        if (b.eventsFile != null) {
            context.addParameter(TestWebapp.EVENTS_FILE, b.eventsFile.toString());
        }

        if (b.useManager) {
            manager = new RedisSessionManager();
            manager.setUri(b.redisUri);
            manager.setNamespace(b.namespace);
            manager.setNodeId(b.name);
            manager.setAllowedClasses(TestWebapp.ALLOWED_CLASSES);
            if (b.clock != null) {
                manager.setClock(b.clock);
            }
            b.managerSettings.accept(manager);
            context.setManager(manager);
        } else {
            manager = null;
        }
        b.contextSettings.accept(context);

        tomcat.getConnector();
        tomcat.start();
    }

    /** The test webapp in a new directory, compiled against the servlet API Tomcat runs with. */
    static Path webapp(Path dir, TestWebapp.Login login) {
        return TestWebapp.build(dir, List.of(JavaSources.locationOf(HttpServlet.class)), login);
    }

    static Builder builder(String name, String redisUri, String namespace) {
        return new Builder(name, redisUri, namespace);
    }

    @Override
    public String name() {
        return name;
    }

    int port() {
        return tomcat.getConnector().getLocalPort();
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/app";
    }

    /** The node's manager as the context sees it (null if the context did not start). */
    RedisSessionManager contextManager() {
        return (RedisSessionManager) context.getManager();
    }

    /** Runs the manager's background work now, as Tomcat's background thread would. */
    void backgroundProcess() {
        context.getManager().backgroundProcess();
    }

    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
        TestFiles.deleteRecursively(baseDir);
        if (ownDocBase) {
            TestFiles.deleteRecursively(docBase);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    static final class Builder {
        private final String name;
        private final String redisUri;
        private final String namespace;
        private Clock clock;
        private TestWebapp.Login login = TestWebapp.Login.NONE;
        private boolean useManager = true;
        private Path docBase;
        private Path eventsFile;
        private String jvmRoute;
        private Consumer<RedisSessionManager> managerSettings = m -> { };
        private Consumer<Context> contextSettings = c -> { };

        private Builder(String name, String redisUri, String namespace) {
            this.name = name;
            this.redisUri = redisUri;
            this.namespace = namespace;
        }

        Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The webapp's FORM login variant (login page, protected pages). */
        Builder formLogin() {
            return login(TestWebapp.Login.FORM);
        }

        /** A login variant of the webapp (protected pages; FORM or BASIC). */
        Builder login(TestWebapp.Login login) {
            this.login = login;
            return this;
        }

        /** No programmatic manager: the docBase's META-INF/context.xml configures it. */
        Builder managerFromContextXml() {
            this.useManager = false;
            return this;
        }

        /** A webapp of the test's own (see {@link #webapp}); it stays when the node closes. */
        Builder docBase(Path docBase) {
            this.docBase = docBase;
            return this;
        }

        /** Where the webapp's listeners log their events. */
        Builder eventsFile(Path file) {
            this.eventsFile = file;
            return this;
        }

        /** Tomcat's jvmRoute: appended to the ids this node creates. */
        Builder jvmRoute(String route) {
            this.jvmRoute = route;
            return this;
        }

        Builder manager(Consumer<RedisSessionManager> settings) {
            this.managerSettings = settings;
            return this;
        }

        Builder context(Consumer<Context> settings) {
            this.contextSettings = settings;
            return this;
        }

        TomcatNode start() {
            try {
                return new TomcatNode(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (LifecycleException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
