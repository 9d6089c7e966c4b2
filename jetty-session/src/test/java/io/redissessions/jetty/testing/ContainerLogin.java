package io.redissessions.jetty.testing;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Authenticator;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.security.authentication.FormAuthenticator;
import org.eclipse.jetty.util.security.Credential;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Container login for a test webapp, as {@code web.xml} would declare it: users {@code alice}
 * (role {@code user}) and {@code bob} (roles {@code user}, {@code admin}) in a
 * {@link HashLoginService}; {@code /secure/*} needs role {@code user}, {@code /admin/*} role
 * {@code admin}. Pages: {@code /login}, {@code /login-error}, {@code /secure/page},
 * {@code /secure/echo} (prints the parameter {@code msg}), {@code /admin/page}, {@code /logout}.
 */
public final class ContainerLogin {

    public static final String ALICE_PASSWORD = "alice-pw-6f1c0b";
    public static final String BOB_PASSWORD = "bob-pw-93ad5e";

    private ContainerLogin() {
    }

    /** FORM login with {@code /login} and {@code /login-error} (redirects, as web.xml's default). */
    public static Consumer<ServletContextHandler> form() {
        return context -> secure(context, new FormAuthenticator("/login", "/login-error", false));
    }

    public static Consumer<ServletContextHandler> basic() {
        return context -> secure(context, new BasicAuthenticator());
    }

    private static void secure(ServletContextHandler context, Authenticator authenticator) {
        UserStore users = new UserStore();
        users.addUser("alice", Credential.getCredential(ALICE_PASSWORD), new String[]{"user"});
        users.addUser("bob", Credential.getCredential(BOB_PASSWORD), new String[]{"user", "admin"});
        HashLoginService login = new HashLoginService("test-realm");
        login.setUserStore(users);

        ConstraintSecurityHandler security = new ConstraintSecurityHandler();
        security.setLoginService(login);
        security.setAuthenticator(authenticator);
        security.setRealmName("test-realm");
        security.addConstraintMapping(mapping("/secure/*", Constraint.from("user")));
        security.addConstraintMapping(mapping("/admin/*", Constraint.from("admin")));
        context.setSecurityHandler(security);
        context.addServlet(Pages.class, "/login");
        context.addServlet(Pages.class, "/login-error");
        context.addServlet(Pages.class, "/secure/*");
        context.addServlet(Pages.class, "/admin/*");
        context.addServlet(Pages.class, "/logout");
    }

    private static ConstraintMapping mapping(String path, Constraint constraint) {
        ConstraintMapping m = new ConstraintMapping();
        m.setPathSpec(path);
        m.setConstraint(constraint);
        return m;
    }

    /** Every page of the test webapp's login part; each prints one line. */
    public static class Pages extends HttpServlet {
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
            String out = switch (path) {
                case "/login" -> "login page";
                case "/login-error" -> "login failed";
                case "/secure/echo" -> "echo msg=" + req.getParameter("msg") + " method=" + method + " user="
                        + req.getRemoteUser();
                case "/logout" -> {
                    req.logout();
                    yield "logged out";
                }
                default -> path + " of " + req.getRemoteUser() + " admin=" + req.isUserInRole("admin") + " auth="
                        + req.getAuthType();
            };
            resp.getWriter().print(out);
        }
    }
}
