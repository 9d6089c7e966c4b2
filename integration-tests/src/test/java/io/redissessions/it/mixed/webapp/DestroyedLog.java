package io.redissessions.it.mixed.webapp;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends "destroyed &lt;id&gt; &lt;user&gt; &lt;server&gt;" per sessionDestroyed to this node's file:
 * system property {@code it.events} (Tomcat node) or environment variable {@code IT_EVENTS} (Jetty node).
 */
public class DestroyedLog implements HttpSessionListener {

    @Override
    public void sessionDestroyed(HttpSessionEvent se) {
        String file = System.getProperty("it.events", System.getenv("IT_EVENTS"));
        String line = "destroyed " + se.getSession().getId() + " " + se.getSession().getAttribute("user") + " "
                + se.getSession().getServletContext().getServerInfo().replace(' ', '_') + "\n";
        synchronized (DestroyedLog.class) {
            try {
                Files.writeString(Path.of(file), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
