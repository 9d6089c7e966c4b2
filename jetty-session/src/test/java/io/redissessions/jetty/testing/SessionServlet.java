package io.redissessions.jetty.testing;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The test webapp: {@code /s?op=...} does one thing with the session and prints the result.
 * {@code WebappToken} is a class that only the webapp class loader sees.
 */
public class SessionServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Requests parked by {@code op=await} until the test releases them. */
    public static final Map<String, CountDownLatch> ARRIVED = new ConcurrentHashMap<>();
    public static final Map<String, CountDownLatch> RELEASE = new ConcurrentHashMap<>();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String op = req.getParameter("op");
        String name = req.getParameter("name");
        String value = req.getParameter("value");
        resp.setContentType("text/plain");
        String out;
        switch (op) {
            case "none" -> out = "ok";
            case "set" -> {
                req.getSession(true).setAttribute(name, value);
                out = "ok";
            }
            case "get" -> {
                HttpSession s = req.getSession(false);
                out = s == null ? "no-session" : String.valueOf(s.getAttribute(name));
            }
            case "id" -> {
                HttpSession s = req.getSession(false);
                out = s == null ? "no-session" : s.getId();
            }
            case "inc" -> {
                HttpSession s = req.getSession(true);
                Integer n = (Integer) s.getAttribute(name);
                n = n == null ? 1 : n + 1;
                s.setAttribute(name, n);
                out = n.toString();
            }
            case "cart-add" -> {
                HttpSession s = req.getSession(true);
                @SuppressWarnings("unchecked")
                List<String> cart = (List<String>) s.getAttribute("cart");
                if (cart == null) {
                    cart = new ArrayList<>();
                    s.setAttribute("cart", cart);
                }
                cart.add(value); // in place: no setAttribute after the first request
                out = cart.toString();
            }
            case "foo-set" -> {
                try {
                    ClassLoader webapp = Thread.currentThread().getContextClassLoader();
                    Object foo = Class.forName("WebappToken", true, webapp).getConstructor().newInstance();
                    foo.getClass().getMethod("setValue", int.class).invoke(foo, Integer.parseInt(value));
                    req.getSession(true).setAttribute("foo", foo);
                    out = "ok";
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            case "foo-get" -> {
                Object foo = req.getSession(true).getAttribute("foo");
                try {
                    out = foo == null ? "null" : foo.getClass().getMethod("getValue").invoke(foo) + " webappLoader="
                            + (foo.getClass().getClassLoader() == Thread.currentThread().getContextClassLoader());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            case "invalidate" -> {
                HttpSession s = req.getSession(false);
                if (s != null) {
                    s.invalidate();
                }
                out = "ok";
            }
            case "max-inactive" -> {
                req.getSession(true).setMaxInactiveInterval(Integer.parseInt(value));
                out = "ok";
            }
            case "await" -> {
                // set, then wait for the test: another request runs meanwhile
                req.getSession(true).setAttribute(name, value);
                String latch = req.getParameter("latch");
                ARRIVED.computeIfAbsent(latch, k -> new CountDownLatch(1)).countDown();
                try {
                    if (!RELEASE.computeIfAbsent(latch, k -> new CountDownLatch(1)).await(20, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("not released: " + latch);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                out = "ok";
            }
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
        resp.getWriter().print(out);
    }
}
