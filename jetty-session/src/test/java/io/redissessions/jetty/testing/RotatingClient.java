package io.redissessions.jetty.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A browser behind a non-sticky load balancer: one cookie jar, each request to the next node in
 * turn (or to a chosen one).
 */
public final class RotatingClient {

    public record Reply(int status, String body) {
    }

    private final List<JettyNode> nodes;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private final AtomicInteger next = new AtomicInteger();

    public RotatingClient(List<JettyNode> nodes) {
        this.nodes = nodes;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** To the next node in turn. */
    public Reply get(String query) {
        return get(nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size())), query);
    }

    public Reply get(JettyNode node, String query) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUri() + "/s?" + query))
                .timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException("request " + query + " to " + node + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The body of a request that must succeed. */
    public String ok(String query) {
        Reply r = get(query);
        if (r.status() != 200) {
            throw new AssertionError("HTTP " + r.status() + " for " + query + ": " + r.body());
        }
        return r.body();
    }

    public String ok(JettyNode node, String query) {
        Reply r = get(node, query);
        if (r.status() != 200) {
            throw new AssertionError("HTTP " + r.status() + " from " + node + " for " + query + ": " + r.body());
        }
        return r.body();
    }

    /** The session id the client holds (without Jetty's worker suffix). */
    public String sessionId() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(HttpCookie::getValue).map(v -> v.contains(".") ? v.substring(0, v.indexOf('.')) : v)
                .findFirst().orElse(null);
    }
}
