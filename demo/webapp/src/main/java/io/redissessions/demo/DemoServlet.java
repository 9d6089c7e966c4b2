package io.redissessions.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo page. GET shows it; POST changes the session (cart, login, logout) and redirects back
 * (post/redirect/get), so that the redirected request usually lands on another node and finds the
 * change already in Redis.
 *
 * <p>Session use, the way ordinary applications do it:
 * <ul>
 *   <li>{@code counter}: an Integer, replaced with {@code setAttribute} on every request;</li>
 *   <li>{@code cart}: a {@code List<CartItem>} set once, then only changed in place (items added,
 *       removed, quantities incremented) without another {@code setAttribute};</li>
 *   <li>{@code user}: set on login after {@code changeSessionId()}; logout invalidates the session.</li>
 * </ul>
 */
public class DemoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String COUNTER = "counter";
    static final String CART = "cart";
    static final String USER = "user";
    private static final int MAX_NAME = 40;
    private static final int MAX_ITEMS = 20;

    private transient DemoSettings settings;

    @Override
    public void init() {
        settings = DemoSettings.from(getServletContext());
        log("redis-sessions demo: node " + settings.node() + ", Redis " + settings.redisHost() + ":"
                + settings.redisPort() + ", namespace " + settings.namespace());
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("X-Demo-Node", settings.node());
        resp.setHeader("Cache-Control", "no-store");
        String method = req.getMethod();
        if (method.equals("POST")) {
            post(req, resp);
        } else if (method.equals("GET") || method.equals("HEAD")) {
            page(req, resp);
        } else {
            resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
        }
    }

    private static int count(HttpSession session) {
        Integer n = (Integer) session.getAttribute(COUNTER);
        int next = n == null ? 1 : n + 1;
        session.setAttribute(COUNTER, next);
        return next;
    }

    @SuppressWarnings("unchecked")
    private static List<CartItem> cart(HttpSession session) {
        List<CartItem> cart = (List<CartItem>) session.getAttribute(CART);
        if (cart == null) {
            cart = new ArrayList<>();
            session.setAttribute(CART, cart); // the only setAttribute of the cart
        }
        return cart;
    }

    private void post(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        req.setCharacterEncoding("UTF-8");
        HttpSession session = req.getSession(true);
        count(session);
        String action = String.valueOf(req.getParameter("action"));
        switch (action) {
            case "add" -> {
                String name = clean(req.getParameter("item"));
                List<CartItem> cart = cart(session);
                if (name != null) {
                    CartItem same = cart.stream().filter(i -> i.getName().equals(name)).findFirst().orElse(null);
                    if (same != null) {
                        same.setQuantity(same.getQuantity() + 1); // in place, inside the list
                    } else if (cart.size() < MAX_ITEMS) {
                        cart.add(new CartItem(name, 1));         // in place
                    }
                }
            }
            case "remove" -> {
                List<CartItem> cart = cart(session);
                int index = parseIndex(req.getParameter("index"));
                if (index >= 0 && index < cart.size()) {
                    cart.remove(index);                            // in place
                }
            }
            case "login" -> {
                String user = clean(req.getParameter("user"));
                if (user != null) {
                    req.changeSessionId(); // a new id on login: no session fixation
                    session.setAttribute(USER, user);
                }
            }
            case "logout" -> session.invalidate();
            default -> {
                resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "unknown action");
                return;
            }
        }
        resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
        resp.setHeader("Location", resp.encodeRedirectURL(req.getContextPath() + "/"));
    }

    private static int parseIndex(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String clean(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        if (t.isEmpty()) {
            return null;
        }
        return t.length() > MAX_NAME ? t.substring(0, MAX_NAME) : t;
    }

    private void page(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(true);
        int counter = count(session);
        List<CartItem> cart = cart(session);
        String user = (String) session.getAttribute(USER);
        String key = SessionKey.of(settings.keyPrefix(), settings.namespace(), session.getId());
        StoredView stored = StoredView.read(settings, key);
        String self = req.getContextPath() + "/";

        resp.setContentType("text/html;charset=UTF-8");
        PrintWriter out = resp.getWriter();
        out.println("<!DOCTYPE html>");
        out.println("<html lang=\"en\"><head><meta charset=\"utf-8\"><title>redis-sessions demo: "
                + html(settings.node()) + "</title>");
        out.println("<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}"
                + "th{text-align:left;padding-right:1rem;vertical-align:top}td{padding:.15rem .5rem .15rem 0}"
                + "code{background:#f3f3f3;padding:0 .2rem}.node{font-size:1.6rem;font-weight:bold;color:#a33}"
                + "form.inline{display:inline}.note{background:#fffbe6;border:1px solid #e6d88a;padding:.5rem 1rem}"
                + "</style></head><body>");
        out.println("<h1>redis-sessions demo</h1>");
        out.println("<p>Answered by <span class=\"node\" id=\"node\">" + html(settings.node()) + "</span> ("
                + html(getServletContext().getServerInfo()) + ")</p>");
        out.println("<p class=\"note\">Reload this page: the load balancer sends every request to the next node in "
                + "turn, with no stickiness. The node changes, the counter keeps counting and the cart stays, "
                + "because every node reads the session from Redis.</p>");

        out.println("<h2>Session</h2><table>");
        row(out, "id", "<code id=\"session-id\">" + html(session.getId()) + "</code>");
        row(out, "requests", "<span id=\"counter\">" + counter + "</span>");
        row(out, "created", html(Instant.ofEpochMilli(session.getCreationTime()).toString()));
        row(out, "max inactive", session.getMaxInactiveInterval() + " s");
        row(out, "Redis key", "<code id=\"redis-key\">" + html(key) + "</code>");
        row(out, "in Redis", "<span id=\"redis-state\">" + html(stored.describe()) + "</span>");
        out.println("</table>");

        out.println("<h2>User</h2>");
        if (user != null) {
            out.println("<p>Logged in as <b id=\"user\">" + html(user) + "</b></p>");
            out.println("<form method=\"post\" action=\"" + html(self) + "\"><input type=\"hidden\" name=\"action\" "
                    + "value=\"logout\"><button>Log out</button> (invalidates the session)</form>");
        } else {
            out.println("<form method=\"post\" action=\"" + html(self) + "\"><input type=\"hidden\" name=\"action\" "
                    + "value=\"login\"><input name=\"user\" placeholder=\"name\" maxlength=\"" + MAX_NAME
                    + "\" required> <button>Log in</button> (no password: it only sets the "
                    + "<code>user</code> attribute, after a new session id)</form>");
        }

        out.println("<h2>Cart</h2>");
        if (cart.isEmpty()) {
            out.println("<p id=\"cart-empty\">Empty.</p>");
        } else {
            out.println("<table id=\"cart\">");
            for (int i = 0; i < cart.size(); i++) {
                CartItem item = cart.get(i);
                out.println("<tr><td class=\"item\">" + item.getQuantity() + " &times; " + html(item.getName())
                        + "</td><td><form class=\"inline\" method=\"post\" action=\"" + html(self) + "\">"
                        + "<input type=\"hidden\" name=\"action\" value=\"add\"><input type=\"hidden\" name=\"item\" value=\""
                        + html(item.getName()) + "\"><button>+1</button></form> "
                        + "<form class=\"inline\" method=\"post\" action=\"" + html(self) + "\">"
                        + "<input type=\"hidden\" name=\"action\" value=\"remove\"><input type=\"hidden\" name=\"index\" value=\""
                        + i + "\"><button>remove</button></form></td></tr>");
            }
            out.println("</table>");
        }
        out.println("<form method=\"post\" action=\"" + html(self) + "\"><input type=\"hidden\" name=\"action\" "
                + "value=\"add\"><select name=\"item\">");
        for (String product : List.of("apple", "bread", "cheese", "coffee", "tea")) {
            out.println("<option>" + product + "</option>");
        }
        out.println("</select> <button>Add to cart</button></form>");
        out.println("<p><small>The cart is a <code>List&lt;CartItem&gt;</code> put into the session once and then "
                + "changed in place (no <code>setAttribute</code>): redis-sessions notices and saves it. "
                + "<code>CartItem</code> is a class of this webapp, allowed by "
                + "<code>allowedClasses=\"io.redissessions.demo.*\"</code>.</small></p>");
        out.println("</body></html>");
    }

    private static void row(PrintWriter out, String name, String valueHtml) {
        out.println("<tr><th>" + html(name) + "</th><td>" + valueHtml + "</td></tr>");
    }

    static String html(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** What Redis holds for the session, as of before this request's own save. */
    record StoredView(Long pttlMillis, String node, String version, String error) {

        static StoredView read(DemoSettings settings, String key) {
            RespClient redis = new RespClient(settings.redisHost(), settings.redisPort(), settings.redisPassword(), 1000);
            try {
                List<Object> r = redis.send(List.of(new String[] {"PTTL", key}, new String[] {"HMGET", key, "#node", "#v"}));
                if (r.get(0) instanceof RespClient.Error e) {
                    return new StoredView(null, null, null, e.message());
                }
                List<?> fields = r.get(1) instanceof List<?> l ? l : List.of();
                return new StoredView((Long) r.get(0), fields.isEmpty() ? null : (String) fields.get(0),
                        fields.size() < 2 ? null : (String) fields.get(1), null);
            } catch (IOException | RuntimeException e) {
                return new StoredView(null, null, null, "Redis at " + settings.redisHost() + ":" + settings.redisPort()
                        + " not readable: " + e.getMessage());
            }
        }

        String describe() {
            if (error != null) {
                return error;
            }
            if (pttlMillis == -2) {
                return "not stored yet: the container writes it when this request completes";
            }
            String ttl = pttlMillis == -1 ? "no TTL (never expires)"
                    : String.format(Locale.ROOT, "TTL %.1f s (max inactive + expiryGraceSeconds)", pttlMillis / 1000.0);
            return ttl + ", last written by " + (node == null ? "?" : node) + " (write #"
                    + (version == null ? "?" : version) + ")";
        }
    }
}
