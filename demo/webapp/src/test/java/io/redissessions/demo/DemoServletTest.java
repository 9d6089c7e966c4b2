package io.redissessions.demo;

import io.redissessions.testing.RedisServer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page in an embedded Jetty ee10 container with its ordinary in-memory sessions: what it
 * shows and what its forms do. (That the same page works with sessions in Redis across Tomcat
 * and Jetty nodes is what demo/run.sh shows.)
 */
class DemoServletTest {

    private static RedisServer redis;
    private static Server server;
    private static String base;
    private HttpClient browser;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.startStandalone();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/demo");
        context.setInitParameter("demo.redis", "127.0.0.1:" + redis.port());
        context.setInitParameter("demo.node", "test-node");
        context.setInitParameter("demo.namespace", "demo");
        context.setInitParameter("demo.keyPrefix", "rs:");
        context.addServlet(DemoServlet.class, "/");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/demo/";
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        redis.close();
    }

    @BeforeEach
    void newBrowser() {
        browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private String get() throws Exception {
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private String post(String form) throws Exception {
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200); // after the 303 back to the page
        return r.body();
    }

    private static String find(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        assertThat(m.find()).as("%s in %s", regex, html).isTrue();
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void pageShowsNodeSessionAndItsRedisKeyAndCountsRequests() throws Exception {
        String first = get();
        String second = get();

        assertThat(find(first, "id=\"node\">([^<]+)<")).isEqualTo("test-node");
        String id = find(second, "id=\"session-id\">([^<]+)<");
        assertThat(find(first, "id=\"session-id\">([^<]+)<")).isEqualTo(id);
        assertThat(find(first, "id=\"counter\">(\\d+)<")).isEqualTo("1");
        assertThat(find(second, "id=\"counter\">(\\d+)<")).isEqualTo("2");
        assertThat(find(second, "id=\"redis-key\">([^<]+)<"))
                .isEqualTo(DemoServlet.html(SessionKey.of("rs:", "demo", id)));
        // in-memory sessions here: nothing in Redis, and the page says so instead of failing
        assertThat(find(second, "id=\"redis-state\">([^<]+)<")).startsWith("not stored yet");
        assertThat(second).contains("Reload this page");
    }

    @Test
    void cartItemsAreAddedIncrementedAndRemoved() throws Exception {
        post("action=add&item=coffee");
        post("action=add&item=tea");
        String page = post("action=add&item=coffee");
        assertThat(page).contains("2 &times; coffee").contains("1 &times; tea");

        page = post("action=remove&index=0");
        assertThat(page).doesNotContain("coffee</td>").contains("1 &times; tea");
        page = post("action=remove&index=7");
        assertThat(page).contains("1 &times; tea");
        page = post("action=remove&index=0");
        assertThat(page).contains("id=\"cart-empty\"");
    }

    @Test
    void loginChangesTheSessionIdAndKeepsTheSessionLogoutEndsIt() throws Exception {
        post("action=add&item=bread");
        String before = find(get(), "id=\"session-id\">([^<]+)<");

        String page = post("action=login&user=" + enc("alice"));
        assertThat(find(page, "id=\"user\">([^<]+)<")).isEqualTo("alice");
        assertThat(find(page, "id=\"session-id\">([^<]+)<")).isNotEqualTo(before);
        assertThat(page).contains("1 &times; bread");

        page = post("action=logout");
        assertThat(page).doesNotContain("id=\"user\"").contains("id=\"cart-empty\"");
        assertThat(find(page, "id=\"counter\">(\\d+)<")).isEqualTo("1");
    }

    @Test
    void userInputIsEscaped() throws Exception {
        String page = post("action=login&user=" + enc("<script>x</script>"));
        assertThat(page).doesNotContain("<script>").contains("&lt;script&gt;x&lt;/script&gt;");
        page = post("action=add&item=" + enc("\"><b>"));
        assertThat(page).doesNotContain("\"><b>").contains("&quot;&gt;&lt;b&gt;");
    }

    @Test
    void unknownActionIsABadRequest() throws Exception {
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create(base))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("action=drop")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
    }
}
