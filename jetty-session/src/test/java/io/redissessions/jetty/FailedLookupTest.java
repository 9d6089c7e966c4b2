package io.redissessions.jetty;

import io.redissessions.testing.RedisServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request whose session lookup failed because Redis is unavailable does not pay for the same
 * lookup again. Redis is made unavailable for lookups by an ACL change (a {@code NOPERM} reply is
 * "unavailable", like a timeout), so that every lookup that still reaches Redis is counted by Redis
 * itself ({@code rejected_calls} of {@code INFO commandstats}).
 *
 * <p>Jetty resolves the requested session once per request; {@code getSession(false)} and
 * {@code isRequestedSessionIdValid()} use that result. But {@code getSession(true)} without a
 * session asks every context whether the requested id is in use ({@code isIdInUse}, a second
 * lookup of the same id): with {@code failureMode=local} that is where the timeouts were paid
 * twice. With {@code failureMode=fail} the request gets a stand-in session whose first use answers
 * 503, and Jetty never looks again.
 */
class FailedLookupTest {

    /** Looks its session up every way a webapp can, then creates one if asked. */
    public static class LookupServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession first = req.getSession(false);
            HttpSession again = req.getSession(false);
            boolean valid = req.isRequestedSessionIdValid();
            req.getSession(false);
            String out = (first == null ? "none" : "some") + "," + (again == first) + "," + valid;
            if (req.getParameter("create") != null) {
                HttpSession session = req.getSession(true);
                out += ",created=" + (session != null);
            }
            resp.getWriter().print(out);
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getSession(true).setAttribute("user", "alice");
            resp.getWriter().print(req.getSession(false).getId());
        }
    }

    private RedisServer redis;
    private Server server;
    private int port;

    @BeforeEach
    void startRedis() {
        redis = RedisServer.startStandalone();
        redis.command("ACL", "SETUSER", "app", "on", ">app-pw", "~*", "+@all");
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        redis.close();
    }

    private void startJetty(String failureMode) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        DefaultSessionIdManager ids = new DefaultSessionIdManager(server);
        ids.setWorkerName("nodeA");
        server.addBean(ids, true);
        RedisSessionDataStoreFactory store = new RedisSessionDataStoreFactory();
        store.setUri(redis.uri("app", "app-pw"));
        store.setFailureMode(failureMode);
        store.setSocketTimeoutMillis(1000);
        server.addBean(store);
        server.addBean(new RedisSessionCacheFactory());
        ServletContextHandler context = new ServletContextHandler("/app", ServletContextHandler.SESSIONS);
        context.addServlet(LookupServlet.class, "/l");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    private HttpResponse<String> send(String method, String query, String sessionId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/app/l?" + query))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
        if (sessionId != null) {
            b.header("Cookie", "JSESSIONID=" + sessionId);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Calls of {@code command} that Redis refused (ACL), from INFO commandstats. */
    private long rejected(String command) {
        Matcher m = Pattern.compile("cmdstat_" + command + ":[^\\r\\n]*rejected_calls=(\\d+)")
                .matcher(redis.command("INFO", "commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private String storedSession() throws Exception {
        HttpResponse<String> created = send("POST", "", null);
        assertThat(created.statusCode()).isEqualTo(200);
        return created.body();
    }

    @Test
    void failureModeLocalDoesNotLookUpAFailedSessionAgainInTheSameRequest() throws Exception {
        startJetty("local");
        String id = storedSession();
        redis.command("ACL", "SETUSER", "app", "-hgetall", "-hget"); // lookups now fail, saves still work

        HttpResponse<String> r = send("GET", "create", id);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("none,true,false,created=true");
        assertThat(rejected("hgetall")).as("the lookup at the start of the request").isEqualTo(1);
        assertThat(rejected("hget")).as("lookups of the same id later in the request (isIdInUse)").isZero();
    }

    @Test
    void failureModeFailLooksTheSessionUpOncePerRequest() throws Exception {
        startJetty("fail");
        String id = storedSession();
        redis.command("ACL", "SETUSER", "app", "-hgetall", "-hget");

        HttpResponse<String> r = send("GET", "create", id);

        // the stand-in session: there is one, Redis cannot give it; its first use answers 503
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(rejected("hgetall")).isEqualTo(1);
        assertThat(rejected("hget")).isZero();
    }
}
