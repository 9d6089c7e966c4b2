package io.redissessions.it.spring;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser behind a balancer without stickiness: one cookie jar, every request to the next node
 * in turn, redirects not followed (the test follows them, to the next node).
 */
final class SpringBrowser {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|csrf=(\\S+)");

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> nodes;
    private int next;

    /** @param nodes the base URLs of the webapp on each node ({@code http://127.0.0.1:port/app}) */
    SpringBrowser(List<String> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    private String nextNode() {
        String node = nodes.get(next);
        next = (next + 1) % nodes.size();
        return node;
    }

    /** GET on the next node; {@code path} is below the webapp, or a Location header the webapp sent. */
    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(nextNode() + relative(path))).GET());
    }

    HttpResponse<String> post(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(nextNode() + relative(path)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The part of a Location header below the webapp: {@code http://host:port/app/login?x} gives {@code /login?x}. */
    static String relative(String location) {
        int app = location.indexOf("/app");
        return app >= 0 ? location.substring(app + "/app".length()) : location;
    }

    static String location(HttpResponse<String> r) {
        return relative(r.headers().firstValue("Location").orElseThrow(
                () -> new AssertionError(r.request().uri() + " answered " + r.statusCode() + " without Location")));
    }

    /** The CSRF token of a login form or of one of the test's pages. */
    static String csrf(HttpResponse<String> page) {
        Matcher m = CSRF.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("no CSRF token in " + page.request().uri() + ": " + page.body());
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    String sessionId() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
