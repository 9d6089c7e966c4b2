package io.redissessions.testing.web;

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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A browser behind a non-sticky load balancer: one cookie jar, each request to the next node in
 * turn ({@link #get(String)}), or to a node of the test's choice ({@link #get(int, String)}: the
 * browser pinned to that node). Redirects are not followed, so that each hop can go to a node of
 * the test's choice. Paths are relative to a node's {@link WebNode#baseUrl()}, e.g.
 * {@code /s?op=get&name=user}. Headers set with {@link #header} (a balancer's {@code Host}, BASIC
 * credentials) go with every request of this browser. Thread-safe: concurrent requests share the
 * jar.
 */
public final class Browser {

    public static final String SESSION_COOKIE = "JSESSIONID";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client;
    private final List<? extends WebNode> nodes;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<String, String> headers = new ConcurrentHashMap<>();

    public Browser(List<? extends WebNode> nodes) {
        this.nodes = List.copyOf(nodes);
        this.client = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static Browser of(WebNode... nodes) {
        return new Browser(List.of(nodes));
    }

    public List<? extends WebNode> nodes() {
        return nodes;
    }

    /**
     * Sends {@code name: value} with every request of this browser from now on. {@code Host} needs
     * the system property {@code jdk.httpclient.allowRestrictedHeaders=host}.
     */
    public Browser header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Sends HTTP BASIC credentials with every request of this browser from now on. */
    public Browser basic(TestWebapp.User user) {
        return header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user.name() + ":" + user.password()).getBytes(StandardCharsets.UTF_8)));
    }

    /** A form body: {@code form("a", "x y", "b", "z")} is {@code a=x+y&b=z}. */
    public static String form(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return body.toString();
    }

    /** GET on the next node in turn. */
    public Reply get(String path) {
        return get(nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size())), path);
    }

    /** GET on node {@code k} of this browser's nodes. */
    public Reply get(int k, String path) {
        return get(nodes.get(k), path);
    }

    public Reply get(WebNode node, String path) {
        return send(client, node, path, request(node, path).GET());
    }

    /**
     * A GET sent on a thread of its own, for requests that wait at a gate (not on the common pool,
     * whose few threads would all wait and hold back the requests that open the gate).
     */
    public CompletableFuture<Reply> getAsync(WebNode node, String path) {
        return CompletableFuture.supplyAsync(() -> get(node, path), Anonymous.THREADS);
    }

    public CompletableFuture<Reply> getAsync(int k, String path) {
        return getAsync(nodes.get(k), path);
    }

    /** HEAD on the next node in turn. */
    public Reply head(String path) {
        WebNode node = nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size()));
        return send(client, node, path, request(node, path).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    /** A POST of a form ({@link #form}) on the next node in turn. */
    public Reply post(String path, String form) {
        return post(nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size())), path, form);
    }

    public Reply post(WebNode node, String path, String form) {
        return send(client, node, path, request(node, path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    public Reply post(int k, String path, String form) {
        return post(nodes.get(k), path, form);
    }

    /** The body of a GET on the next node in turn that must answer 200. */
    public String body(String path) {
        return ok(get(path));
    }

    public String body(int k, String path) {
        return ok(get(k, path));
    }

    public String body(WebNode node, String path) {
        return ok(get(node, path));
    }

    /** The body of a reply that must be 200. */
    public static String ok(Reply r) {
        if (r.status() != 200) {
            throw new AssertionError(r + " (expected 200)");
        }
        return r.body();
    }

    /**
     * A GET without cookies and without this browser's jar, with exactly this session cookie (or
     * none if null): for control requests and for ids a test makes up.
     */
    public static Reply getWithSessionId(WebNode node, String path, String sessionId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(node, path)).GET();
        if (sessionId != null) {
            b.header("Cookie", SESSION_COOKIE + "=" + sessionId);
        }
        return send(Anonymous.CLIENT, node, path, b);
    }

    /** The session cookie as the browser holds it (with the suffix of the node that set it, if any). */
    public Optional<String> sessionId() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(SESSION_COOKIE))
                .map(HttpCookie::getValue).findFirst();
    }

    /** The session id without a node suffix ({@code .jvmRoute} or {@code .workerName}): its key in Redis. */
    public String clusterId() {
        return clusterId(sessionId().orElseThrow(() -> new AssertionError("the browser holds no session cookie")));
    }

    /** {@code id} without what follows its last '.', as both adapters store it. */
    public static String clusterId(String id) {
        int dot = id.lastIndexOf('.');
        return dot > 0 ? id.substring(0, dot) : id;
    }

    public void forgetCookies() {
        cookies.getCookieStore().removeAll();
    }

    private HttpRequest.Builder request(WebNode node, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(node, path));
        headers.forEach(b::header);
        return b;
    }

    private static URI uri(WebNode node, String path) {
        Objects.requireNonNull(path, "path");
        return URI.create(node.baseUrl() + (path.startsWith("/") ? path : "/" + path));
    }

    private static Reply send(HttpClient client, WebNode node, String path, HttpRequest.Builder builder) {
        HttpRequest request = builder.timeout(TIMEOUT).build();
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(node.name(), path, r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + path + " on " + node.name() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One client without a cookie jar for {@link #getWithSessionId}, and the threads of {@link #getAsync}. */
    private static final class Anonymous {
        static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "browser-async");
            t.setDaemon(true);
            return t;
        });
    }
}
