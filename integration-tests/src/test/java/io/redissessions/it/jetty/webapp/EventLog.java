package io.redissessions.it.jetty.webapp;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.TreeMap;

/** Appends one line per sessionDestroyed to the file named by $IT_EVENTS: "destroyed id {attributes}". */
public class EventLog implements HttpSessionListener {

    @Override
    public void sessionDestroyed(HttpSessionEvent se) {
        TreeMap<String, Object> attributes = new TreeMap<>();
        for (String name : Collections.list(se.getSession().getAttributeNames())) {
            attributes.put(name, se.getSession().getAttribute(name));
        }
        String line = "destroyed " + se.getSession().getId() + " " + attributes + "\n";
        try {
            Files.writeString(Path.of(System.getenv("IT_EVENTS")), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
