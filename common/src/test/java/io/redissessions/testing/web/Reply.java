package io.redissessions.testing.web;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Optional;

/** One HTTP answer: status, body, headers, and which node gave it. */
public record Reply(String node, String request, int status, String body, HttpHeaders headers) {

    /** The session id this answer sets as cookie, if it sets one. */
    public Optional<String> sessionCookie() {
        return headers.allValues("Set-Cookie").stream().flatMap(h -> HttpCookie.parse(h).stream())
                .filter(c -> c.getName().equals(Browser.SESSION_COOKIE)).map(HttpCookie::getValue).findFirst();
    }

    /**
     * True if the answer hands out another session than {@code sessionId} (any session if that is
     * null). The same session with another node's suffix (Jetty sets its own worker name) is not
     * another session.
     */
    public boolean handsOutAnotherSessionThan(String sessionId) {
        return sessionCookie().filter(c -> !c.isEmpty())
                .filter(c -> sessionId == null || !Browser.clusterId(c).equals(Browser.clusterId(sessionId)))
                .isPresent();
    }

    /** The Location header (a redirect's target), or null. */
    public String location() {
        return headers.firstValue("Location").orElse(null);
    }

    /**
     * The path of the redirect target without path parameters, e.g. {@code /app/login} for
     * {@code http://host/app/login;jsessionid=...?x}; null if this is no redirect.
     */
    public String redirectPath() {
        String location = location();
        if (location == null) {
            return null;
        }
        String path = URI.create(location).getRawPath();
        int semicolon = path.indexOf(';');
        return semicolon < 0 ? path : path.substring(0, semicolon);
    }

    @Override
    public String toString() {
        String to = location();
        return node + " " + request + " -> " + status + (to == null ? "" : " (to " + to + ")") + " " + body;
    }
}
