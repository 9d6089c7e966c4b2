package io.redissessions.testing.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The session events that the test webapp's listeners wrote, read from the nodes' event files
 * (one per node; see {@link TestWebapp#EVENTS_FILE}). Sessions are matched by their cluster id,
 * whatever node suffix the id carried when the event fired.
 */
public final class EventLog {

    /**
     * One line: {@code kind node sessionId [detail]}; for {@code destroyed} the detail is the
     * session's attributes ({@code {user=alice}}), for {@code unbound} the Tracked label.
     */
    public record Event(String kind, String node, String sessionId, String detail) {

        public String clusterId() {
            return Browser.clusterId(sessionId);
        }

        @Override
        public String toString() {
            return kind + " on " + node + " of " + sessionId + (detail.isEmpty() ? "" : " " + detail);
        }
    }

    private final List<Path> files;

    public EventLog(List<Path> files) {
        this.files = List.copyOf(files);
    }

    public List<Event> all() {
        List<Event> events = new ArrayList<>();
        for (Path f : files) {
            if (!Files.exists(f)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    String[] parts = line.split(" ", 4);
                    if (parts.length >= 3) {
                        events.add(new Event(parts[0], parts[1], parts[2], parts.length == 4 ? parts[3] : ""));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return events;
    }

    /** sessionDestroyed calls for the session with this id (or any id of the same cluster id). */
    public List<Event> destroyed(String sessionId) {
        return of("destroyed", sessionId);
    }

    public List<Event> created(String sessionId) {
        return of("created", sessionId);
    }

    /** valueUnbound calls of the Tracked value with this label. */
    public List<Event> unbound(String label) {
        return all().stream().filter(e -> e.kind().equals("unbound") && e.detail().equals(label)).toList();
    }

    private List<Event> of(String kind, String sessionId) {
        String cluster = Browser.clusterId(sessionId);
        return all().stream().filter(e -> e.kind().equals(kind) && e.clusterId().equals(cluster)).toList();
    }
}
