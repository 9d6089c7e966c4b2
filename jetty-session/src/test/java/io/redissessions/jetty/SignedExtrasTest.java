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
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a signingKey, Jetty's container extras ({@code #x:jetty.*}) are signed like attribute
 * values by the shared session state (#10 item 1): two Jetty nodes share a session with them, and
 * an extra copied from another session is ignored.
 */
class SignedExtrasTest {

    private static final String KEY = "a-signing-key-for-the-jetty-extras-test";
    private static RedisServer redis;
    private final List<Server> servers = new ArrayList<>();
    private final String namespace = "t" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void stopServers() throws Exception {
        for (Server s : servers) {
            s.stop();
        }
    }

    /** {@code ?set=v} sets attribute "user" (and prints the id), else prints it. */
    public static final class Probe extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String value = req.getParameter("set");
            if (value != null) {
                HttpSession s = req.getSession(true);
                s.setAttribute("user", value);
                resp.getWriter().print(s.getId());
                return;
            }
            HttpSession s = req.getSession(false);
            resp.getWriter().print(s == null ? "no-session" : String.valueOf(s.getAttribute("user")));
        }
    }

    private record Node(Server server, ServerConnector connector, ServletContextHandler context) {
        RedisSessionDataStore store() {
            return (RedisSessionDataStore) context.getSessionHandler().getSessionCache().getSessionDataStore();
        }

        RawHttp.Response get(String query, String sessionId) {
            return RawHttp.get(connector.getLocalPort(), "localhost", "/app/s?" + query,
                    sessionId == null ? Map.of() : Map.of("Cookie", "JSESSIONID=" + sessionId));
        }
    }

    private Node node(String name) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        DefaultSessionIdManager ids = new DefaultSessionIdManager(server);
        ids.setWorkerName(name);
        server.addBean(ids, true);
        RedisSessionDataStoreFactory store = new RedisSessionDataStoreFactory();
        store.setUri(redis.uri());
        store.setNamespace(namespace);
        store.setSigningKey(KEY);
        server.addBean(store);
        server.addBean(new RedisSessionCacheFactory());
        ServletContextHandler context = new ServletContextHandler("/app", ServletContextHandler.SESSIONS);
        context.addServlet(Probe.class, "/s");
        server.setHandler(context);
        server.start();
        servers.add(server);
        return new Node(server, connector, context);
    }

    private static String clusterId(String id) {
        int dot = id.lastIndexOf('.');
        return dot > 0 ? id.substring(0, dot) : id;
    }

    @Test
    void signedExtrasTravelBetweenNodesAndACopiedOneIsIgnored() throws Exception {
        Node a = node("a");
        Node b = node("b");
        String alice = a.get("set=alice", null).body();
        String key = a.store().store().keys().sessionKey(clusterId(alice));

        assertThat(b.get("", alice).body()).isEqualTo("alice");
        assertThat(redis.command("HGET", key, "#x:jetty.cookieSet")).startsWith("\u0001X");
        assertThat(b.store().metrics().getDecodeFailures()).isZero();

        String bob = a.get("set=bob", null).body();
        String bobKey = a.store().store().keys().sessionKey(clusterId(bob));
        redis.command("EVAL", "return redis.call('HSET', KEYS[2], ARGV[1], redis.call('HGET', KEYS[1], ARGV[1]))",
                "2", key, bobKey, "#x:jetty.cookieSet");
        long failures = b.store().metrics().getDecodeFailures();

        assertThat(b.get("", bob).body()).isEqualTo("bob");
        assertThat(b.store().metrics().getDecodeFailures()).isGreaterThan(failures);
    }
}
