package io.redissessions.tomcat.testapp;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * The test webapp: one servlet, one operation per request ({@code ?op=...}), plain text answers.
 * Shared by every embedded node of a test.
 */
public class SessionServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Barriers that concurrent requests meet at after loading their session and before changing it. */
    public static final Map<String, CyclicBarrier> BARRIERS = new ConcurrentHashMap<>();

    /**
     * Holds that requests of {@code op=incrHeld} stop at after reading their counter and before
     * writing it, until the test opens them: the test knows when a request has read.
     */
    public static final Map<String, Hold> HOLDS = new ConcurrentHashMap<>();

    /** Where held requests wait: each counts itself in {@link #arrived}, then waits for {@link #open}. */
    public static final class Hold {
        public final java.util.concurrent.atomic.AtomicInteger arrived = new java.util.concurrent.atomic.AtomicInteger();
        public final java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        String op = req.getParameter("op");
        String name = req.getParameter("name");
        String value = req.getParameter("value");
        StringBuilder out = new StringBuilder();
        switch (op == null ? "" : op) {
            case "set" -> {
                HttpSession s = req.getSession();
                s.setAttribute(name, value);
                out.append(s.getId());
            }
            case "setInt" -> req.getSession().setAttribute(name, Integer.valueOf(value));
            case "get" -> {
                HttpSession s = req.getSession(false);
                out.append(s == null ? "no-session" : String.valueOf(s.getAttribute(name)));
            }
            case "names" -> {
                HttpSession s = req.getSession(false);
                if (s == null) {
                    out.append("no-session");
                } else {
                    List<String> names = new ArrayList<>();
                    s.getAttributeNames().asIterator().forEachRemaining(names::add);
                    names.sort(null);
                    out.append(names);
                }
            }
            case "append" -> {
                HttpSession s = req.getSession();
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) s.getAttribute(name);
                if (list == null) {
                    s.setAttribute(name, new ArrayList<>(List.of(value)));
                } else {
                    list.add(value); // in place, no setAttribute
                }
            }
            case "setAfterBarrier" -> {
                HttpSession s = req.getSession(false);
                s.getAttribute(name);
                try {
                    BARRIERS.get(req.getParameter("barrier")).await(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                s.setAttribute(name, value);
            }
            case "incr" -> {
                HttpSession s = req.getSession();
                Integer n = (Integer) s.getAttribute(name);
                s.setAttribute(name, n == null ? 1 : n + 1);
                out.append(n == null ? 1 : n + 1);
            }
            case "incrHeld" -> {
                HttpSession s = req.getSession(false);
                Integer n = (Integer) s.getAttribute(name);
                Hold hold = HOLDS.get(req.getParameter("hold"));
                hold.arrived.incrementAndGet();
                try {
                    if (!hold.open.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test did not open hold " + req.getParameter("hold"));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                s.setAttribute(name, n == null ? 1 : n + 1);
            }
            case "tracked" -> req.getSession().setAttribute(name, new Tracked(value));
            case "remove" -> req.getSession().removeAttribute(name);
            case "invalidate" -> {
                HttpSession s = req.getSession(false);
                if (s != null) {
                    s.invalidate();
                }
                out.append("invalidated");
            }
            case "changeId" -> out.append(req.changeSessionId());
            case "id" -> {
                HttpSession s = req.getSession(false);
                out.append(s == null ? "no-session" : s.getId());
            }
            case "maxInactive" -> {
                HttpSession s = req.getSession();
                s.setMaxInactiveInterval(Integer.parseInt(value));
                out.append(s.getId());
            }
            case "getMaxInactive" -> out.append(req.getSession().getMaxInactiveInterval());
            case "valid" -> out.append(req.isRequestedSessionIdValid());
            case "webappSet" -> {
                try {
                    ClassLoader webapp = Thread.currentThread().getContextClassLoader();
                    Class<?> c = webapp.loadClass(req.getParameter("class"));
                    Object bean = c.getConstructor().newInstance();
                    c.getMethod("setOwner", String.class).invoke(bean, value);
                    req.getSession().setAttribute(name, bean);
                    out.append("stored");
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                } catch (IllegalArgumentException e) {
                    resp.setStatus(500);
                    out.append("ERROR ").append(e.getMessage());
                }
            }
            case "webappGet" -> {
                Object bean = req.getSession().getAttribute(name);
                if (bean == null) {
                    out.append("null");
                } else {
                    ClassLoader webapp = Thread.currentThread().getContextClassLoader();
                    out.append(bean).append(" loader=")
                            .append(bean.getClass().getClassLoader() == webapp ? "webapp" : "other");
                }
            }
            case "async" -> {
                AsyncContext ac = req.startAsync();
                ac.start(() -> {
                    HttpServletRequest r = (HttpServletRequest) ac.getRequest();
                    r.getSession().setAttribute(name, value);
                    try {
                        ac.getResponse().getWriter().write("async-done");
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    ac.complete();
                });
                return;
            }
            case "user" -> out.append(req.getRemoteUser()).append(' ').append(req.isUserInRole("user"));
            default -> {
                resp.setStatus(400);
                out.append("unknown op ").append(op);
            }
        }
        resp.getWriter().write(out.toString());
    }
}
