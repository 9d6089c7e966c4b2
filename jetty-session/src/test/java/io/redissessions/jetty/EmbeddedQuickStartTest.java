package io.redissessions.jetty;

import io.redissessions.testing.RedisServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded quick start of docs/jetty.md, line for line (port and URI aside). */
class EmbeddedQuickStartTest {

    public static class HelloServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Integer visits = (Integer) req.getSession().getAttribute("visits");
            visits = visits == null ? 1 : visits + 1;
            req.getSession().setAttribute("visits", visits);
            resp.getWriter().print("visits: " + visits);
        }
    }

    @Test
    void storeAndCacheSetOnOneSessionHandler() throws Exception {
        try (RedisServer redis = RedisServer.startStandalone()) {
            Server server = new Server(0);
            RedisSessionDataStoreFactory store = new RedisSessionDataStoreFactory();
            store.setUri(redis.uri());
            ServletContextHandler context = new ServletContextHandler("/shop", ServletContextHandler.SESSIONS);
            context.addServlet(HelloServlet.class, "/");

            SessionHandler sessions = context.getSessionHandler();
            sessions.setSessionCache(new RedisSessionCacheFactory().getSessionCache(sessions));
            sessions.getSessionCache().setSessionDataStore(store.getSessionDataStore(sessions));

            server.setHandler(context);
            server.start();
            try {
                int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
                HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
                HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/shop/")).build();
                assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("visits: 1");
                assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("visits: 2");
                assertThat(redis.command("KEYS", "rs:{shop:*}:s:*")).contains("rs:{shop:");
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void quickStartServesSessionsFromRedis() throws Exception {
        try (RedisServer redis = RedisServer.startStandalone()) {
            Server server = new Server(0);

            RedisSessionDataStoreFactory store = new RedisSessionDataStoreFactory();
            store.setUri(redis.uri());                 // docs: "redis://127.0.0.1:6379"
            store.setAllowedClasses("com.acme.*");     // your own session attribute classes
            server.addBean(store);
            server.addBean(new RedisSessionCacheFactory()); // for a non-sticky cluster

            ServletContextHandler context = new ServletContextHandler("/", ServletContextHandler.SESSIONS);
            context.addServlet(HelloServlet.class, "/");
            server.setHandler(context);
            server.start();
            try {
                int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
                HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
                HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build();
                assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("visits: 1");
                assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("visits: 2");
                assertThat(redis.command("KEYS", "rs:{ROOT:*}:s:*")).contains("rs:{ROOT:");
            } finally {
                server.stop();
            }
        }
    }
}
