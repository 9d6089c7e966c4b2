package io.redissessions.jetty;

import io.redissessions.testing.RawHttp;
import io.redissessions.testing.RedisServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default namespace (no {@code namespace} setting) separates what Jetty separates (#10 item
 * 3): contexts of different virtual hosts, and context paths that differ only in characters that
 * a key cannot hold; two contexts of one server that would derive the same namespace refuse to
 * start.
 */
class VirtualHostNamespaceTest {

    private static RedisServer redis;
    private Server server;
    private ServerConnector connector;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
        redis.command("FLUSHALL");
    }

    /** Sets an attribute ({@code ?set=value}) or prints it, of the session ("no-session" when none). */
    public static final class Probe extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            String value = req.getParameter("set");
            if (value != null) {
                req.getSession(true).setAttribute("user", value);
                resp.getWriter().print("ok");
                return;
            }
            HttpSession s = req.getSession(false);
            resp.getWriter().print(s == null ? "no-session" : String.valueOf(s.getAttribute("user")));
        }
    }

    private ServletContextHandler context(String path, List<String> virtualHosts) {
        ServletContextHandler c = new ServletContextHandler(path, ServletContextHandler.SESSIONS);
        c.setVirtualHosts(virtualHosts);
        c.addServlet(Probe.class, "/s");
        return c;
    }

    private void start(Consumer<RedisSessionDataStoreFactory> settings, ServletContextHandler... contexts) throws Exception {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.addBean(new DefaultSessionIdManager(server), true);
        RedisSessionDataStoreFactory store = new RedisSessionDataStoreFactory();
        store.setUri(redis.uri());
        settings.accept(store);
        server.addBean(store);
        server.addBean(new RedisSessionCacheFactory());
        server.setHandler(new ContextHandlerCollection(contexts));
        server.start();
    }

    private String sessionOn(String host, String path) {
        RawHttp.Response r = RawHttp.get(connector.getLocalPort(), host, path + "/s?set=alice", Map.of());
        assertThat(r.body()).isEqualTo("ok");
        return r.setCookie("JSESSIONID").orElseThrow();
    }

    private String userOn(String host, String path, String cookie) {
        return RawHttp.get(connector.getLocalPort(), host, path + "/s", Map.of("Cookie", "JSESSIONID=" + cookie)).body();
    }

    private static String namespaceOf(ServletContextHandler c) {
        return ((RedisSessionDataStore) c.getSessionHandler().getSessionCache().getSessionDataStore()).getNamespace();
    }

    @Test
    void rootContextsOfTwoVirtualHostsDoNotShareSessions() throws Exception {
        ServletContextHandler a = context("/", List.of("tenant-a.example"));
        ServletContextHandler b = context("/", List.of("tenant-b.example"));
        start(f -> { }, a, b);
        String alice = sessionOn("tenant-a.example", "");

        assertThat(userOn("tenant-a.example", "", alice)).isEqualTo("alice");
        assertThat(userOn("tenant-b.example", "", alice)).isEqualTo("no-session");
        assertThat(namespaceOf(a)).isEqualTo("ROOT@tenant-a.example");
        assertThat(namespaceOf(b)).isEqualTo("ROOT@tenant-b.example");
    }

    @Test
    void contextsWithoutVirtualHostsKeepTheNamespaceOfTheContextPath() throws Exception {
        ServletContextHandler root = context("/", List.of());
        ServletContextHandler shop = context("/shop", List.of());
        start(f -> { }, root, shop);

        assertThat(namespaceOf(root)).isEqualTo("ROOT");
        assertThat(namespaceOf(shop)).isEqualTo("shop");
    }

    @Test
    void contextPathsThatDifferOnlyInCharactersAKeyCannotHoldDoNotShareSessions() throws Exception {
        ServletContextHandler colon = context("/a:b", List.of());
        ServletContextHandler underscore = context("/a_b", List.of());
        ServletContextHandler space = context("/a b", List.of());
        start(f -> { }, colon, underscore, space);
        String alice = sessionOn("localhost", "/a_b");

        assertThat(userOn("localhost", "/a_b", alice)).isEqualTo("alice");
        assertThat(userOn("localhost", "/a:b", alice)).isEqualTo("no-session");
        assertThat(userOn("localhost", "/a%20b", alice)).isEqualTo("no-session");
    }

    @Test
    void twoContextsThatWouldDeriveTheSameNamespaceRefuseToStart() throws Exception {
        ServletContextHandler first = context("/", List.of());
        ServletContextHandler second = context("/", List.of());
        try {
            start(f -> { }, first, second);
        } catch (Exception e) {
            // Jetty reports the failed context when the server starts
        }

        assertThat(first.isStarted() && second.isStarted()).isFalse();
    }
}
