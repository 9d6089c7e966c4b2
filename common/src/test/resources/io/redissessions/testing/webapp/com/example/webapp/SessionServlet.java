package com.example.webapp;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The test webapp's one servlet, the same in every container and every test: {@code /s?op=...}
 * does one thing with the session and answers in plain text. The protocol is documented in
 * io.redissessions.testing.web.TestWebapp.
 */
public class SessionServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        String op = String.valueOf(req.getParameter("op"));
        if (op.equals("async")) {
            async(req);
            return;
        }
        String out;
        try {
            out = answer(op, req, resp);
        } catch (IllegalArgumentException e) {
            // e.g. a value the session store cannot encode: the message names the class and the setting
            resp.setStatus(500);
            out = "ERROR " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String pad = req.getParameter("pad");
        if (pad != null) {
            out += " ".repeat(Integer.parseInt(pad)); // larger than the response buffer: committed while written
        }
        resp.getWriter().write(out);
    }

    private String answer(String op, HttpServletRequest req, HttpServletResponse resp) throws InterruptedException {
        String name = req.getParameter("name");
        String value = req.getParameter("value");
        HttpSession s;
        switch (op) {
            case "ping", "none":
                return "pong";
            case "server":
                return getServletContext().getServerInfo();
            case "visible":
                return visible(name);
            case "set":
                s = req.getSession(true);
                s.setAttribute(name, value);
                return s.getId();
            case "get":
                s = req.getSession(false);
                return s == null ? "no-session" : String.valueOf(s.getAttribute(name));
            case "names":
                s = req.getSession(false);
                if (s == null) {
                    return "no-session";
                }
                List<String> names = Collections.list(s.getAttributeNames());
                Collections.sort(names);
                return names.toString();
            case "remove":
                req.getSession(true).removeAttribute(name);
                return "removed";
            case "append":
                return append(req.getSession(true), name, value).toString();
            case "incr":
                return Integer.toString(increment(req.getSession(true), name, req.getParameter("gate"),
                        req.getParameter("parties")));
            case "basket-add":
                return basketAdd(req.getSession(true), value);
            case "basket":
                return basket(req.getSession(false));
            case "tracked":
                req.getSession(true).setAttribute(name, new Tracked(value));
                return "ok";
            case "invalidate":
                s = req.getSession(false);
                if (s != null) {
                    s.invalidate();
                }
                return "invalidated";
            case "new-then-invalidate":
                return newThenInvalidate(req, value);
            case "changeId":
                if (name != null) {
                    req.getSession(true).setAttribute(name, value); // a change of this request travels with the new id
                }
                return req.changeSessionId();
            case "id":
                s = req.getSession(false);
                return s == null ? "no-session" : s.getId();
            case "setMaxInactive":
                s = req.getSession(true);
                s.setMaxInactiveInterval(Integer.parseInt(value));
                return s.getId();
            case "getMaxInactive":
                s = req.getSession(false);
                return s == null ? "no-session" : Integer.toString(s.getMaxInactiveInterval());
            case "created":
                s = req.getSession(false);
                return s == null ? "no-session" : Long.toString(s.getCreationTime());
            case "valid":
                return Boolean.toString(req.isRequestedSessionIdValid());
            case "user":
                return req.getRemoteUser() + " " + req.isUserInRole("user");
            case "lookups":
                return lookups(req, Integer.parseInt(req.getParameter("times")));
            case "hold":
                return hold(req, resp, name, value);
            case "gate-arrivals":
                if (Gates.get(req.getParameter("gate")).awaitArrivals(Integer.parseInt(req.getParameter("count")))) {
                    return "arrived";
                }
                resp.setStatus(504);
                return "timeout";
            case "gate-release":
                Gates.get(req.getParameter("gate")).release();
                return "released";
            default:
                resp.setStatus(400);
                return "unknown op " + op;
        }
    }

    private static String visible(String className) {
        try {
            Class.forName(className, false, Thread.currentThread().getContextClassLoader());
            return "visible";
        } catch (ClassNotFoundException e) {
            return "hidden";
        }
    }

    /** A list changed in place after the first request: no setAttribute. */
    @SuppressWarnings("unchecked")
    private static List<String> append(HttpSession s, String name, String value) {
        List<String> list = (List<String>) s.getAttribute(name);
        if (list == null) {
            list = new ArrayList<>();
            s.setAttribute(name, list);
        }
        list.add(value);
        return list;
    }

    /**
     * Read-modify-write of an Integer under {@code synchronized (session)}, as applications (and
     * Spring's session mutex) do. With a gate and {@code parties=K}: every request arrives at the
     * gate before it takes the lock, and the one that holds the lock waits until all K arrived
     * before it writes, so all K read the session while the others are in flight.
     */
    private static int increment(HttpSession s, String name, String gate, String parties) throws InterruptedException {
        Gates.Gate g = gate == null ? null : Gates.get(gate);
        if (g != null) {
            g.arrive();
        }
        synchronized (s) {
            Integer n = (Integer) s.getAttribute(name);
            if (g != null && !g.awaitArrivals(Integer.parseInt(parties))) {
                throw new IllegalStateException("not all " + parties + " requests arrived at gate " + gate);
            }
            int next = n == null ? 1 : n + 1;
            s.setAttribute(name, next);
            return next;
        }
    }

    private static String basketAdd(HttpSession s, String item) {
        Basket basket = (Basket) s.getAttribute("basket");
        if (basket == null) {
            basket = new Basket();
            basket.getItems().add(item);
            s.setAttribute("basket", basket);
        } else {
            basket.getItems().add(item); // in place
        }
        return basket.toString();
    }

    private static String basket(HttpSession s) {
        if (s == null) {
            return "no-session";
        }
        Object basket = s.getAttribute("basket");
        if (basket == null) {
            return "no-basket";
        }
        boolean webapp = basket.getClass().getClassLoader() == Thread.currentThread().getContextClassLoader();
        return basket + " loader=" + (webapp ? "webapp" : "other");
    }

    /**
     * Loads the session, reads attribute {@code name}, arrives at the gate and waits until the
     * test releases it; then {@code then=set} sets {@code name=value}, {@code then=incr} replaces
     * the Integer {@code name} by its value plus one (no lock: it reads what the session holds at
     * that moment), {@code then=invalidate} invalidates ("already-invalid" if another request of
     * this node invalidated it meanwhile), anything else does nothing more. With
     * {@code after=G2} the request then arrives at gate G2 and waits there too, so that it stays
     * in flight until the test releases G2.
     */
    private static String hold(HttpServletRequest req, HttpServletResponse resp, String name, String value)
            throws InterruptedException {
        HttpSession s = req.getSession(false);
        Gates.Gate gate = Gates.get(req.getParameter("gate"));
        if (s == null) {
            gate.arrive();
            return "no-session";
        }
        if (name != null) {
            s.getAttribute(name);
        }
        gate.arrive();
        if (!gate.awaitRelease()) {
            resp.setStatus(504);
            return "gate " + req.getParameter("gate") + " was not released";
        }
        String then = String.valueOf(req.getParameter("then"));
        String out = "ok";
        if (then.equals("set")) {
            s.setAttribute(name, value);
        } else if (then.equals("incr")) {
            Integer n = (Integer) s.getAttribute(name);
            int next = n == null ? 1 : n + 1;
            s.setAttribute(name, next);
            out = Integer.toString(next);
        } else if (then.equals("invalidate")) {
            try {
                s.invalidate();
            } catch (IllegalStateException e) {
                out = "already-invalid";
            }
        }
        String after = req.getParameter("after");
        if (after != null) {
            Gates.Gate second = Gates.get(after);
            second.arrive();
            if (!second.awaitRelease()) {
                resp.setStatus(504);
                return "gate " + after + " was not released";
            }
        }
        return out;
    }

    /**
     * A new session that holds user=alice and a Tracked value labelled {@code label}, invalidated
     * in the request that created it (never saved); answers its id.
     */
    private static String newThenInvalidate(HttpServletRequest req, String label) {
        HttpSession s = req.getSession(true);
        String id = s.getId();
        s.setAttribute("user", "alice");
        s.setAttribute("tracked", new Tracked(label));
        s.invalidate();
        return id;
    }

    /**
     * Asks for the session {@code times} times, as an application (or a framework) does that
     * catches a failed lookup and asks again; answers how many failed.
     */
    private static String lookups(HttpServletRequest req, int times) {
        int failures = 0;
        for (int i = 0; i < times; i++) {
            try {
                req.getSession(false);
            } catch (IllegalStateException e) {
                failures++;
            }
        }
        return "failures=" + failures;
    }

    /** Sets {@code name=value} from a container thread after startAsync, then completes. */
    private static void async(HttpServletRequest req) {
        AsyncContext ac = req.startAsync();
        ac.start(() -> {
            HttpServletRequest r = (HttpServletRequest) ac.getRequest();
            r.getSession(true).setAttribute(r.getParameter("name"), r.getParameter("value"));
            try {
                ac.getResponse().getWriter().write("async-done");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            ac.complete();
        });
    }
}
