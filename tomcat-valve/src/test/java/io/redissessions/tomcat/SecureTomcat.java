package io.redissessions.tomcat;

import io.redissessions.testing.RawHttp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.authenticator.BasicAuthenticator;
import org.apache.catalina.authenticator.FormAuthenticator;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardEngine;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.core.StandardService;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An embedded Tomcat for the security tests, built by hand so that a test chooses its hosts,
 * context paths and login method: every context has a {@link RedisSessionManager} (settings
 * from the test), the {@link RedisSessionValve} before its authenticator, and a probe servlet
 * for every path. Users: alice/secret with role {@code user}. {@code /admin/*} needs role
 * {@code admin}, {@code /protected/*} role {@code user}; FORM login uses {@code /login} and
 * {@code /login-error}. Requests go through {@link RawHttp}, so that they can carry any
 * {@code Host} header.
 */
final class SecureTomcat implements AutoCloseable {

    /** How a context authenticates. */
    enum Login { NONE, BASIC, FORM, FORM_WITHOUT_CACHE }

    final Tomcat tomcat;
    private final Path baseDir;
    private boolean started;

    SecureTomcat(String engineName) {
        try {
            baseDir = Files.createTempDirectory("secure-tomcat");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getEngine().setName(engineName);
        tomcat.getEngine().setBackgroundProcessorDelay(-1);
        tomcat.addUser("alice", "secret");
        tomcat.addRole("alice", "user");
    }

    /** The engine's default host ({@code localhost}). */
    Host defaultHost() {
        return tomcat.getHost();
    }

    /** Another host of the engine. */
    Host host(String name) {
        StandardHost host = new StandardHost();
        host.setName(name);
        host.setAppBase(baseDir.resolve("apps-" + name).toString());
        tomcat.getEngine().addChild(host);
        return host;
    }

    /**
     * The default host ({@code localhost}) of another service of the same server: its own engine
     * and connector, in the same JVM.
     */
    Host defaultHostOfAnotherService(String name) {
        StandardService service = new StandardService();
        service.setName(name);
        StandardEngine engine = new StandardEngine();
        engine.setName(name);
        engine.setDefaultHost("localhost");
        engine.setBackgroundProcessorDelay(-1);
        engine.setRealm(tomcat.getEngine().getRealm());
        StandardHost host = new StandardHost();
        host.setName("localhost");
        host.setAppBase(baseDir.resolve("apps-" + name).toString());
        engine.addChild(host);
        service.setContainer(engine);
        Connector connector = new Connector();
        connector.setPort(0);
        service.addConnector(connector);
        tomcat.getServer().addService(service);
        return host;
    }

    /** A context at {@code path} ("" for ROOT) of {@code host}, with a manager on {@code redisUri}. */
    Context context(Host host, String path, String redisUri, Login login, Consumer<RedisSessionManager> settings) {
        Path docBase;
        try {
            docBase = Files.createDirectories(baseDir.resolve("doc-" + host.getName() + "-" + path.replace('/', '_')));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Context ctx = tomcat.addContext(host, path, docBase.toString());
        RedisSessionManager manager = new RedisSessionManager();
        manager.setUri(redisUri);
        manager.setNodeId(tomcat.getEngine().getName());
        settings.accept(manager);
        ctx.setManager(manager);
        ctx.getPipeline().addValve(new RedisSessionValve());
        if (login != Login.NONE) {
            constrain(ctx, "/admin/*", "admin");
            constrain(ctx, "/protected/*", "user");
            LoginConfig config = new LoginConfig();
            if (login == Login.BASIC) {
                config.setAuthMethod("BASIC");
                ctx.getPipeline().addValve(new BasicAuthenticator());
            } else {
                config.setAuthMethod("FORM");
                config.setLoginPage("/login");
                config.setErrorPage("/login-error");
                FormAuthenticator form = new FormAuthenticator();
                form.setCache(login == Login.FORM);
                ctx.getPipeline().addValve(form);
            }
            ctx.setLoginConfig(config);
        }
        Tomcat.addServlet(ctx, "probe", new ProbeServlet());
        ctx.addServletMappingDecoded("/", "probe");
        return ctx;
    }

    private static void constrain(Context ctx, String pattern, String role) {
        SecurityConstraint constraint = new SecurityConstraint();
        constraint.addAuthRole(role);
        SecurityCollection collection = new SecurityCollection();
        collection.addPatternDecoded(pattern);
        constraint.addCollection(collection);
        ctx.addConstraint(constraint);
        ctx.addSecurityRole(role);
    }

    SecureTomcat start() {
        tomcat.getConnector();
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
        started = true;
        return this;
    }

    int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** A GET with {@code Host: host} and, if not null, the session cookie. */
    RawHttp.Response get(String host, String path, String sessionId) {
        return RawHttp.get(port(), host, path, cookie(sessionId));
    }

    RawHttp.Response post(String host, String path, String sessionId, String form) {
        return RawHttp.request(port(), "POST", host, path, cookie(sessionId), form);
    }

    static Map<String, String> cookie(String sessionId) {
        Map<String, String> headers = new HashMap<>();
        if (sessionId != null) {
            headers.put("Cookie", "JSESSIONID=" + sessionId);
        }
        return headers;
    }

    @Override
    public void close() {
        try {
            if (started) {
                tomcat.stop();
            }
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        } finally {
            deleteRecursively(baseDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Answers every path: {@code ?op=set&name=..&value=..} sets an attribute (and prints the
     * session id), {@code ?op=get&name=..} prints one, {@code /login} and {@code /login-error}
     * print LOGIN-PAGE and LOGIN-ERROR, anything else prints the path, the user, the method and the
     * query.
     */
    static final class ProbeServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=UTF-8");
            String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
            String op = req.getParameter("op");
            if ("set".equals(op)) {
                HttpSession s = req.getSession();
                s.setAttribute(req.getParameter("name"), req.getParameter("value"));
                resp.getWriter().print(s.getId());
            } else if ("get".equals(op)) {
                HttpSession s = req.getSession(false);
                resp.getWriter().print(s == null ? "no session" : String.valueOf(s.getAttribute(req.getParameter("name"))));
            } else if (path.equals("/login")) {
                req.getSession();
                resp.getWriter().print("LOGIN-PAGE");
            } else if (path.equals("/login-error")) {
                resp.getWriter().print("LOGIN-ERROR");
            } else {
                resp.getWriter().print("PAGE " + path + " user=" + req.getRemoteUser() + " method=" + req.getMethod()
                        + " query=" + req.getQueryString());
            }
        }
    }
}
