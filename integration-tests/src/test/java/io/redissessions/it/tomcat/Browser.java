package io.redissessions.it.tomcat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A browser behind a non-sticky balancer: one cookie jar, requests to the nodes in turn or to a chosen one. */
final class Browser {

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<TomcatNode> nodes;
    private int next;

    Browser(TomcatNode... nodes) {
        this.nodes = List.of(nodes);
    }

    HttpResponse<String> get(String path) {
        TomcatNode node = nodes.get(next);
        next = (next + 1) % nodes.size();
        return get(node, path);
    }

    HttpResponse<String> get(TomcatNode node, String path) {
        return send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).GET());
    }

    HttpResponse<String> post(TomcatNode node, String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    String body(String path) {
        return ok(get(path));
    }

    String body(TomcatNode node, String path) {
        return ok(get(node, path));
    }

    private static String ok(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            throw new AssertionError(r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    Optional<String> sessionId() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(HttpCookie::getValue).findFirst();
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
