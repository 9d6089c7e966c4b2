package io.redissessions.bench.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.util.UUID;

/**
 * The webapp of the benchmarks and the reliability suite, the same on Tomcat and Jetty:
 * <ul>
 *   <li>{@code /rw}: increments the session's counter (creating the session with a 1 KB
 *       attribute and a creation marker when the request has none; with
 *       {@code -Dbench.session=50k}, 20 attributes of 2,560 characters instead: 50 KB);</li>
 *   <li>{@code /ro}: reads the counter of an existing session, never creates one;</li>
 *   <li>{@code /ping}: does not touch the session.</li>
 * </ul>
 * Each answer is one line, {@code born=<marker> counter=<n> new=<true|false> node=<name>}
 * ({@code born=- counter=0} when {@code /ro} finds no session), so that a client can tell a
 * session that was replaced by a new empty one ({@code born} changes) from one that lost
 * increments ({@code counter} goes back). Attributes are JDK types only, so every session manager
 * can store them without configuration.
 */
public final class BenchServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String COUNTER = "counter";
    static final String BORN = "born";
    static final String PAYLOAD = "payload";
    static final String PAYLOAD_TEXT = payload(1024);
    /** 50k: twenty attributes of 2,560 characters, else one of 1 KB. */
    static final boolean LARGE = "50k".equals(System.getProperty("bench.session", "1k"));
    static final int LARGE_ATTRIBUTES = 20;
    static final String LARGE_TEXT = payload(2560);

    private final String node = System.getProperty("bench.node", "node");

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath();
        String line;
        switch (path) {
            case "/ping" -> line = "pong";
            case "/rw" -> {
                HttpSession session = req.getSession(true);
                boolean isNew = session.isNew();
                if (isNew || session.getAttribute(BORN) == null) {
                    session.setAttribute(BORN, UUID.randomUUID().toString());
                    if (LARGE) {
                        for (int i = 0; i < LARGE_ATTRIBUTES; i++) {
                            session.setAttribute(PAYLOAD + i, LARGE_TEXT);
                        }
                    } else {
                        session.setAttribute(PAYLOAD, PAYLOAD_TEXT);
                    }
                }
                Integer counter = (Integer) session.getAttribute(COUNTER);
                int next = counter == null ? 1 : counter + 1;
                session.setAttribute(COUNTER, next);
                line = line(session.getAttribute(BORN), next, isNew);
            }
            case "/ro" -> {
                HttpSession session = req.getSession(false);
                if (session == null) {
                    line = line("-", 0, false);
                } else {
                    Integer counter = (Integer) session.getAttribute(COUNTER);
                    line = line(session.getAttribute(BORN), counter == null ? 0 : counter, session.isNew());
                }
            }
            default -> {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
        }
        resp.setContentType("text/plain");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(line);
    }

    private String line(Object born, int counter, boolean isNew) {
        return "born=" + born + " counter=" + counter + " new=" + isNew + " node=" + node + "\n";
    }

    private static String payload(int bytes) {
        StringBuilder b = new StringBuilder(bytes);
        while (b.length() < bytes) {
            b.append("session-payload-").append(b.length()).append(' ');
        }
        return b.substring(0, bytes);
    }
}
