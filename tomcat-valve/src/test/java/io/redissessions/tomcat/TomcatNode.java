package io.redissessions.tomcat;

import io.redissessions.tomcat.testapp.PageServlet;
import io.redissessions.tomcat.testapp.SessionEvents;
import io.redissessions.tomcat.testapp.SessionServlet;
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
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One embedded Tomcat node with the test webapp at {@code /app}: {@link SessionServlet} at
 * {@code /app/s}, FORM login pages, {@link SessionEvents} as listener, and a
 * {@link RedisSessionManager} configured like a user would (plus the test's clock).
 */
final class TomcatNode implements AutoCloseable {

    static final String WEB_XML_PLAIN = """
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="true"/>
            """;

    static final String WEB_XML_FORM_LOGIN = """
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="true">
              <security-constraint>
                <web-resource-collection>
                  <web-resource-name>protected</web-resource-name>
                  <url-pattern>/protected/*</url-pattern>
                </web-resource-collection>
                <auth-constraint><role-name>user</role-name></auth-constraint>
              </security-constraint>
              <login-config>
                <auth-method>FORM</auth-method>
                <form-login-config>
                  <form-login-page>/login</form-login-page>
                  <form-error-page>/login-error</form-error-page>
                </form-login-config>
              </login-config>
              <security-role><role-name>user</role-name></security-role>
            </web-app>
            """;

    final String name;
    final Tomcat tomcat;
    final Context context;
    final RedisSessionManager manager;
    private final Path baseDir;
    private final boolean ownDocBase;
    private final Path docBase;

    private TomcatNode(Builder b) throws IOException, LifecycleException {
        this.name = b.name;
        this.baseDir = Files.createTempDirectory("tomcat-" + b.name);
        this.ownDocBase = b.docBase == null;
        this.docBase = b.docBase != null ? b.docBase : Files.createDirectories(baseDir.resolve("webapp"));
        Path webInf = Files.createDirectories(docBase.resolve("WEB-INF"));
        if (!Files.exists(webInf.resolve("web.xml"))) {
            Files.writeString(webInf.resolve("web.xml"), b.formLogin ? WEB_XML_FORM_LOGIN : WEB_XML_PLAIN);
        }

        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getEngine().setName(b.name); // the JMX domain: distinct per node in one JVM
        tomcat.setAddDefaultWebXmlToWebapp(false);
        tomcat.addUser("alice", "secret");
        tomcat.addRole("alice", "user");

        ContextConfig config = new ContextConfig();
        config.setDefaultWebXml(tomcat.noDefaultWebXmlPath());
        context = tomcat.addWebapp(tomcat.getHost(), "/app", docBase.toString(), config);
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        scanner.setScanManifest(false);
        context.setJarScanner(scanner);

        if (b.useManager) {
            manager = new RedisSessionManager();
            manager.setUri(b.redisUri);
            manager.setNamespace(b.namespace);
            manager.setNodeId(b.name);
            manager.setAllowedClasses("io.redissessions.tomcat.testapp.*");
            if (b.clock != null) {
                manager.setClock(b.clock);
            }
            b.managerSettings.accept(manager);
            context.setManager(manager);
        } else {
            manager = null;
        }
        b.contextSettings.accept(context);

        Tomcat.addServlet(context, "session", new SessionServlet()).setAsyncSupported(true);
        context.addServletMappingDecoded("/s", "session");
        context.addServletMappingDecoded("/cart/s", "session"); // a second path, for lockingMode=uriPattern:
        Tomcat.addServlet(context, "page", new PageServlet());
        context.addServletMappingDecoded("/login", "page");
        context.addServletMappingDecoded("/login-error", "page");
        context.addServletMappingDecoded("/protected/*", "page");
        context.addApplicationListener(SessionEvents.class.getName());

        tomcat.getConnector();
        tomcat.start();
    }

    static Builder builder(String name, String redisUri, String namespace) {
        return new Builder(name, redisUri, namespace);
    }

    int port() {
        return tomcat.getConnector().getLocalPort();
    }

    String baseUrl() {
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

    void stop() {
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
        deleteRecursively(baseDir);
        if (!ownDocBase) {
            return;
        }
        deleteRecursively(docBase);
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class Builder {
        private final String name;
        private final String redisUri;
        private final String namespace;
        private Clock clock;
        private boolean formLogin;
        private boolean useManager = true;
        private Path docBase;
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

        Builder formLogin() {
            this.formLogin = true;
            return this;
        }

        /** No programmatic manager: the docBase's META-INF/context.xml configures it. */
        Builder managerFromContextXml() {
            this.useManager = false;
            return this;
        }

        Builder docBase(Path docBase) {
            this.docBase = docBase;
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
