package com.example.itapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** One operation per request (?op=...), plain text answers. */
public class SessionServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        String op = String.valueOf(req.getParameter("op"));
        String name = req.getParameter("name");
        String value = req.getParameter("value");
        String out;
        switch (op) {
            case "ping" -> out = "pong";
            case "set" -> {
                HttpSession s = req.getSession();
                s.setAttribute(name, value);
                out = s.getId();
            }
            case "get" -> {
                HttpSession s = req.getSession(false);
                out = s == null ? "no-session" : String.valueOf(s.getAttribute(name));
            }
            case "append" -> {
                HttpSession s = req.getSession();
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) s.getAttribute(name);
                if (list == null) {
                    s.setAttribute(name, new ArrayList<>(List.of(value)));
                } else {
                    list.add(value); // changed in place, no setAttribute
                }
                out = "ok";
            }
            case "tracked" -> {
                Tracked t = new Tracked();
                t.setLabel(value);
                req.getSession().setAttribute(name, t);
                out = "ok";
            }
            case "maxInactive" -> {
                HttpSession s = req.getSession();
                s.setMaxInactiveInterval(Integer.parseInt(value));
                out = s.getId();
            }
            case "invalidate" -> {
                HttpSession s = req.getSession(false);
                if (s != null) {
                    s.invalidate();
                }
                out = "invalidated";
            }
            case "id" -> {
                HttpSession s = req.getSession(false);
                out = s == null ? "no-session" : s.getId();
            }
            case "user" -> out = req.getRemoteUser() + " " + req.isUserInRole("user");
            default -> {
                resp.setStatus(400);
                out = "unknown op " + op;
            }
        }
        resp.getWriter().write(out);
    }
}
