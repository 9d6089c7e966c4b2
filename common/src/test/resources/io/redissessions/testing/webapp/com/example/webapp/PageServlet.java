package com.example.webapp;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The pages of the login variants: the login page, the login error page, the logout page, and the
 * protected pages ({@code /protected/*} for role user, {@code /admin/*} for role admin), which
 * print who is logged in and what reached them.
 */
public class PageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        resp.setContentType("text/plain;charset=UTF-8");
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.startsWith("/login-error")) {
            resp.getWriter().write("LOGIN-ERROR");
        } else if (path.startsWith("/login")) {
            resp.getWriter().write("LOGIN-PAGE");
        } else if (path.startsWith("/logout")) {
            req.logout();
            resp.getWriter().write("LOGGED-OUT");
        } else {
            resp.getWriter().write("PROTECTED " + path + " user=" + req.getRemoteUser() + " method=" + req.getMethod()
                    + " query=" + req.getQueryString() + " field=" + req.getParameter("field")
                    + " node=" + Events.node(getServletContext()) + " admin=" + req.isUserInRole("admin")
                    + " auth=" + req.getAuthType());
        }
    }
}
