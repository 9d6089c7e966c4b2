package io.redissessions.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Creates sessions through a page and returns their {@code Cookie} header values. */
public final class SessionCookies {

    private SessionCookies() {
    }

    /** {@code n} GETs of {@code url} without a cookie; each must answer 200 with a new session cookie. */
    public static List<String> create(String url, int n) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> cookies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                        .build(), HttpResponse.BodyHandlers.ofString());
                String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                        .map(c -> c.split(";", 2)[0]).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no session cookie from " + url + ": " + r.statusCode()
                                + " " + r.headers().map() + " " + r.body()));
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
                }
                cookies.add(cookie);
            } catch (IOException e) {
                throw new IllegalStateException("creating session " + i + " at " + url + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (cookies.stream().distinct().count() != n) {
            throw new IllegalStateException("expected " + n + " distinct sessions from " + url);
        }
        return cookies;
    }
}
