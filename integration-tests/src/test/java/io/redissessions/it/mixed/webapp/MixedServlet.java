package io.redissessions.it.mixed.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;

/** The same servlet on the Tomcat and the Jetty node: {@code /s?op=...}, plain text answers. */
public class MixedServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String op = String.valueOf(req.getParameter("op"));
        String name = req.getParameter("name");
        String value = req.getParameter("value");
        resp.setContentType("text/plain;charset=UTF-8");
        String out;
        switch (op) {
            case "ping" -> out = "pong";   // Tomcat node: ready
            case "none" -> out = "ok";     // Jetty node: ready
            case "server" -> out = getServletContext().getServerInfo();
            case "set" -> {
                HttpSession s = req.getSession(true);
                s.setAttribute(name, value);
                out = s.getId();
            }
            case "get" -> {
                HttpSession s = req.getSession(false);
                out = s == null ? "no-session" : String.valueOf(s.getAttribute(name));
            }
            case "basket-add" -> {
                HttpSession s = req.getSession(true);
                Basket basket = (Basket) s.getAttribute("basket");
                if (basket == null) {
                    basket = new Basket();
                    s.setAttribute("basket", basket);
                }
                basket.getItems().add(value); // in place once the basket exists: no setAttribute
                out = basket.getItems().toString();
            }
            case "basket" -> {
                HttpSession s = req.getSession(false);
                Basket basket = s == null ? null : (Basket) s.getAttribute("basket");
                out = basket == null ? "no-basket" : basket.getItems().toString();
            }
            case "max-inactive" -> {
                HttpSession s = req.getSession(true);
                s.setMaxInactiveInterval(Integer.parseInt(value));
                out = s.getId();
            }
            case "get-max-inactive" -> {
                HttpSession s = req.getSession(false);
                out = s == null ? "no-session" : Integer.toString(s.getMaxInactiveInterval());
            }
            case "created" -> {
                HttpSession s = req.getSession(false);
                out = s == null ? "no-session" : Long.toString(s.getCreationTime());
            }
            case "invalidate" -> {
                HttpSession s = req.getSession(false);
                if (s != null) {
                    s.invalidate();
                }
                out = "invalidated";
            }
            default -> {
                resp.setStatus(400);
                out = "unknown op " + op;
            }
        }
        resp.getWriter().print(out);
    }
}
