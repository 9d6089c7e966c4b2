package io.redissessions.tomcat.testapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The servlet of the concurrency and failure tests, at {@code /c}: one operation per request
 * ({@code ?op=...}), plain text answers. Requests coordinate through named latches and barriers
 * that the test registers first, so that races happen every time rather than by chance. Every
 * wait is bounded.
 */
public class ConcurrencyServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final long WAIT_SECONDS = 20;

    /** Latches by name: counted down or awaited by requests (see the ops). */
    public static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();
    /** Barriers by name: met by concurrent requests. */
    public static final Map<String, CyclicBarrier> BARRIERS = new ConcurrentHashMap<>();

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        String op = req.getParameter("op");
        String out;
        switch (op == null ? "" : op) {
            case "create" -> {
                HttpSession s = req.getSession();
                s.setAttribute("n", 0);
                out = s.getId();
            }
            case "get" -> {
                HttpSession s = req.getSession(false);
                out = s == null ? "no-session" : String.valueOf(s.getAttribute("n"));
            }
            case "incrSync" -> {
                // read-modify-write of one attribute under the session's monitor, as servlet code does
                HttpSession s = req.getSession(false);
                if (s == null) {
                    out = "no-session";
                    break;
                }
                synchronized (s) {
                    Integer n = (Integer) s.getAttribute("n");
                    s.setAttribute("n", n + 1);
                    out = Integer.toString(n + 1);
                }
            }
            case "incrInTurn" -> {
                // no lock: request i waits for its turn (latch group-i), increments, hands the turn on,
                // then stays in flight until every request of the group has incremented
                String group = req.getParameter("group");
                int turn = Integer.parseInt(req.getParameter("turn"));
                HttpSession s = req.getSession(false);
                if (s == null) {
                    out = "no-session";
                    break;
                }
                await(LATCHES.get(group + "-" + turn));
                Integer n = (Integer) s.getAttribute("n");
                s.setAttribute("n", n + 1);
                out = Integer.toString(n + 1);
                countDown(group + "-" + (turn + 1));
                await(BARRIERS.get(group));
            }
            case "invalidateAfterBarrier" -> {
                HttpSession s = req.getSession(false);
                if (s == null) {
                    out = "no-session";
                    break;
                }
                s.getAttribute("user");
                await(BARRIERS.get(req.getParameter("barrier")));
                try {
                    s.invalidate();
                    out = "invalidated";
                } catch (IllegalStateException e) {
                    out = "already-invalid";
                }
            }
            case "lookups" -> {
                // an application that catches the failure and asks again, as frameworks do
                int times = Integer.parseInt(req.getParameter("times"));
                int failures = 0;
                for (int i = 0; i < times; i++) {
                    try {
                        req.getSession(false);
                    } catch (IllegalStateException e) {
                        failures++;
                    }
                }
                out = "failures=" + failures;
            }
            default -> {
                resp.setStatus(400);
                out = "unknown op " + op;
            }
        }
        resp.getWriter().write(out);
    }

    private static void countDown(String latch) {
        if (latch != null) {
            CountDownLatch l = LATCHES.get(latch);
            if (l != null) {
                l.countDown();
            }
        }
    }

    private static void await(CountDownLatch latch) {
        if (latch == null) {
            return;
        }
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not reached within " + WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(CyclicBarrier barrier) {
        if (barrier == null) {
            return;
        }
        try {
            barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("barrier not reached within " + WAIT_SECONDS + " s", e);
        }
    }
}
