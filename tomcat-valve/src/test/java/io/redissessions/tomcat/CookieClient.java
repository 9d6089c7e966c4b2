package io.redissessions.tomcat;

import io.redissessions.tomcat.testapp.ConcurrencyServlet;
import org.apache.catalina.Context;
import org.apache.catalina.authenticator.NonLoginAuthenticator;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Requests with an explicit session cookie and no cookie jar, safe to use from many threads at
 * once: what the concurrency tests send. {@link #install} maps {@link ConcurrencyServlet} at
 * {@code /c} of a node.
 */
final class CookieClient {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** For {@link TomcatNode.Builder#context}: adds {@link ConcurrencyServlet} at {@code /app/c}. */
    static void install(Context context) {
        Tomcat.addServlet(context, "concurrency", new ConcurrencyServlet()).setAsyncSupported(true);
        context.addServletMappingDecoded("/c", "concurrency");
    }

    /**
     * {@link #install}, plus the two valves of a context.xml whose authenticator does not look up
     * the session of every request ({@code cache="false"}): RedisSessionValve, then
     * NonLoginAuthenticator. The application is then the first to ask for the session.
     */
    static void installWithUncachedAuthenticator(Context context) {
        install(context);
        context.getPipeline().addValve(new RedisSessionValve());
        NonLoginAuthenticator authenticator = new NonLoginAuthenticator();
        authenticator.setCache(false);
        context.getPipeline().addValve(authenticator);
    }

    /** GET {@code path} (below /app) with {@code sessionId} as the JSESSIONID cookie (none if null). */
    HttpResponse<String> get(TomcatNode node, String path, String sessionId) {
        try {
            return client.send(request(node, path, sessionId), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    CompletableFuture<HttpResponse<String>> getAsync(TomcatNode node, String path, String sessionId) {
        return client.sendAsync(request(node, path, sessionId), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a GET that must answer 200. */
    String body(TomcatNode node, String path, String sessionId) {
        HttpResponse<String> r = get(node, path, sessionId);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + node.name + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static HttpRequest request(TomcatNode node, String path, String sessionId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).timeout(Duration.ofSeconds(60));
        if (sessionId != null) {
            b.header("Cookie", "JSESSIONID=" + sessionId);
        }
        return b.GET().build();
    }
}
