package com.example.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** The login page, the login error page and the protected pages of the FORM login variant. */
public class PageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.startsWith("/login-error")) {
            resp.getWriter().write("LOGIN-ERROR");
        } else if (path.startsWith("/login")) {
            resp.getWriter().write("LOGIN-PAGE");
        } else {
            resp.getWriter().write("PROTECTED " + path + " user=" + req.getRemoteUser() + " method=" + req.getMethod()
                    + " query=" + req.getQueryString() + " field=" + req.getParameter("field")
                    + " node=" + Events.node(getServletContext()));
        }
    }
}
