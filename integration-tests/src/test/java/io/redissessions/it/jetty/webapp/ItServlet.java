package io.redissessions.it.jetty.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;

/** The webapp deployed into jetty-home: {@code /s?op=...}. */
public class ItServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

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
            case "cart-add" -> {
                HttpSession s = req.getSession(true);
                Cart cart = (Cart) s.getAttribute("cart");
                if (cart == null) {
                    cart = new Cart();
                    s.setAttribute("cart", cart);
                }
                cart.getItems().add(value); // in place after the first request
                out = cart.getItems().toString();
            }
            case "cart" -> {
                HttpSession s = req.getSession(false);
                Cart cart = s == null ? null : (Cart) s.getAttribute("cart");
                out = cart == null ? "no-cart" : cart.getItems() + " loader=" + cart.getClass().getClassLoader().getClass().getSimpleName();
            }
            case "mark" -> {
                // one attribute per request: concurrent requests change different attributes, none may be lost
                req.getSession(true).setAttribute(name, "x");
                out = "ok";
            }
            case "count" -> {
                HttpSession s = req.getSession(false);
                int n = 0;
                if (s != null) {
                    for (String attribute : java.util.Collections.list(s.getAttributeNames())) {
                        n += attribute.startsWith(value) ? 1 : 0;
                    }
                }
                out = s == null ? "no-session" : Integer.toString(n);
            }
            case "max-inactive" -> {
                req.getSession(true).setMaxInactiveInterval(Integer.parseInt(value));
                out = "ok";
            }
            case "invalidate" -> {
                HttpSession s = req.getSession(false);
                if (s != null) {
                    s.invalidate();
                }
                out = "ok";
            }
            case "visible" -> {
                try {
                    Class.forName(name, false, Thread.currentThread().getContextClassLoader());
                    out = "visible";
                } catch (ClassNotFoundException e) {
                    out = "hidden";
                }
            }
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
        resp.getWriter().print(out);
    }
}
