package io.redissessions.jetty.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser that talks to the node the test names (a non-sticky balancer chosen by hand): one
 * cookie jar, redirects not followed (the test follows them to the node it chooses).
 */
public final class Browser {

    public record Page(int status, String body, String location) {
        /** The path of the redirect target without path parameters, e.g. {@code /app/login}. */
        public String redirectPath() {
            if (location == null) {
                return null;
            }
            String path = URI.create(location).getRawPath();
            int semicolon = path.indexOf(';');
            return semicolon < 0 ? path : path.substring(0, semicolon);
        }

        @Override
        public String toString() {
            return status + (location == null ? "" : " -> " + location) + ": " + body;
        }
    }

    private final CookieManager cookies = new CookieManager();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String basic;

    /** Sends HTTP BASIC credentials with every request from now on. */
    public Browser basic(String user, String password) {
        basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public Page get(JettyNode node, String path) {
        return send(request(node, path).GET());
    }

    public Page post(JettyNode node, String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(request(node, path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The session id the browser holds (without Jetty's worker suffix), or null. */
    public String sessionId() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(HttpCookie::getValue).map(v -> v.contains(".") ? v.substring(0, v.indexOf('.')) : v)
                .findFirst().orElse(null);
    }

    private HttpRequest.Builder request(JettyNode node, String path) {
        String base = node.baseUri();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (basic != null) {
            b.header("Authorization", basic);
        }
        return b;
    }

    private Page send(HttpRequest.Builder b) {
        HttpRequest request = b.build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Page(r.statusCode(), r.body(), r.headers().firstValue("Location").orElse(null));
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
