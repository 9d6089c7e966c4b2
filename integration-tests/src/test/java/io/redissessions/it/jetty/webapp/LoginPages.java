package io.redissessions.it.jetty.webapp;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The pages of the webapp's container login (web.xml: FORM or BASIC, /secure/* for role user,
 * /admin/* for role admin): each prints one line.
 */
public class LoginPages extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        service(req, resp, "GET");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        service(req, resp, "POST");
    }

    private void service(HttpServletRequest req, HttpServletResponse resp, String method)
            throws IOException, ServletException {
        resp.setContentType("text/plain");
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        String out;
        switch (path) {
            case "/login" -> out = "login page";
            case "/login-error" -> out = "login failed";
            case "/secure/echo" -> out = "echo msg=" + req.getParameter("msg") + " user=" + req.getRemoteUser();
            case "/logout" -> {
                req.logout();
                out = "logged out";
            }
            default -> out = path + " of " + req.getRemoteUser() + " admin=" + req.isUserInRole("admin") + " auth="
                    + req.getAuthType();
        }
        resp.getWriter().print(out);
    }
}
