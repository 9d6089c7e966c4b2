package io.redissessions.it.jetty;

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
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser behind a load balancer that sends each request to the node the test names: one cookie
 * jar, redirects not followed, and every request with the balancer's host name in {@code Host}
 * (both nodes see the same request URL, as behind a real balancer; needs
 * {@code jdk.httpclient.allowRestrictedHeaders=host}, which the failsafe execution sets).
 */
final class HomeBrowser {

    static final String HOST = "shop.example:8080";

    record Page(int status, String body, String location) {
        /** The redirect target's path without path parameters, e.g. {@code /app/login}. */
        String redirectPath() {
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

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final String context;
    private String authorization;

    /** A browser of the webapp at {@code /<context>}. */
    HomeBrowser(String context) {
        this.context = context;
    }

    HomeBrowser basic(String user, String password) {
        authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Page get(JettyHomeNode node, String path) {
        return send(request(node, path).GET());
    }

    Page post(JettyHomeNode node, String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(request(node, path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Page login(JettyHomeNode node, String user, String password) {
        return post(node, "/j_security_check", Map.of("j_username", user, "j_password", password));
    }

    /** The session id the browser holds, without Jetty's worker suffix; null if none. */
    String sessionId() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(HttpCookie::getValue).map(v -> v.contains(".") ? v.substring(0, v.indexOf('.')) : v)
                .findFirst().orElse(null);
    }

    private HttpRequest.Builder request(JettyHomeNode node, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.uri(context) + path))
                .timeout(Duration.ofSeconds(30)).header("Host", HOST);
        if (authorization != null) {
            b.header("Authorization", authorization);
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
}
