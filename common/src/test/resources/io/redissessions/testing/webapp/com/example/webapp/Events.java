package com.example.webapp;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The test webapp's event log: one line per event, appended to this node's file, read by the test
 * (io.redissessions.testing.web.EventLog):
 *
 * <pre>
 * created   &lt;node&gt; &lt;sessionId&gt;
 * destroyed &lt;node&gt; &lt;sessionId&gt; {name=value, ...}   (the attributes the session still had)
 * unbound   &lt;node&gt; &lt;sessionId&gt; &lt;label&gt;              (a Tracked value was unbound)
 * </pre>
 *
 * The file and the node's name come from the context init parameters
 * {@code redis-sessions.test.events} and {@code redis-sessions.test.node}, else from system
 * properties of the same names, else from the environment variables
 * {@code REDIS_SESSIONS_TEST_EVENTS} and {@code REDIS_SESSIONS_TEST_NODE}.
 */
public class Events implements HttpSessionListener {

    public static final String FILE = "redis-sessions.test.events";
    public static final String NODE = "redis-sessions.test.node";

    @Override
    public void sessionCreated(HttpSessionEvent se) {
        append(se.getSession().getServletContext(), "created", se.getSession().getId(), "");
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent se) {
        HttpSession s = se.getSession();
        Map<String, String> attributes = new TreeMap<>();
        for (String name : Collections.list(s.getAttributeNames())) {
            attributes.put(name, String.valueOf(s.getAttribute(name)));
        }
        append(s.getServletContext(), "destroyed", s.getId(), attributes.toString());
    }

    /** The value of a setting: context init parameter, system property, environment variable. */
    static String setting(ServletContext context, String name) {
        String v = context == null ? null : context.getInitParameter(name);
        if (v == null) {
            v = System.getProperty(name);
        }
        if (v == null) {
            v = System.getenv(name.toUpperCase().replace('.', '_').replace('-', '_'));
        }
        return v;
    }

    static String node(ServletContext context) {
        String node = setting(context, NODE);
        return node == null ? "unnamed" : node;
    }

    static void append(ServletContext context, String event, String sessionId, String detail) {
        String file = setting(context, FILE);
        if (file == null) {
            return; // nobody asked for the events
        }
        String line = event + " " + node(context) + " " + sessionId + (detail.isEmpty() ? "" : " " + detail) + "\n";
        synchronized (Events.class) {
            try {
                Files.writeString(Path.of(file), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
