package io.redissessions.jetty;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.security.IdentityService;
import org.eclipse.jetty.security.LoginService;
import org.eclipse.jetty.security.SecurityHandler;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.security.authentication.SessionAuthentication;

/**
 * The core authenticators ({@code org.eclipse.jetty.security.authentication}), which ee10 and ee11
 * webapps use: a login is a {@link SessionAuthentication}, the saved URI an {@link HttpURI}.
 */
final class CoreLogins implements Logins {

    @Override
    public Login read(Object value) {
        // exactly Jetty's class: a subclass would come back as Jetty's, without what it adds
        if (value == null || value.getClass() != SessionAuthentication.class) {
            return null;
        }
        SessionAuthentication auth = (SessionAuthentication) value;
        UserIdentity identity;
        try {
            identity = auth.getUserIdentity();
        } catch (IllegalStateException e) {
            return null; // one without an identity (Jetty's own deserialization found no login service)
        }
        if (identity == null || identity.getUserPrincipal() == null || auth.getAuthenticationType() == null) {
            return null;
        }
        return new Login(auth.getAuthenticationType(), identity.getUserPrincipal().getName(),
                Identities.rolesOf(identity, SecurityHandler.getCurrentSecurityHandler()));
    }

    @Override
    public Object rebuild(Login login) {
        SecurityHandler security = SecurityHandler.getCurrentSecurityHandler();
        IdentityService identities = null;
        if (security != null) {
            identities = security.getIdentityService();
            LoginService loginService = security.getLoginService();
            if (identities == null && loginService != null) {
                identities = loginService.getIdentityService();
            }
        }
        // no credentials: Jetty's own class keeps them only to log in again after deserialization
        return new SessionAuthentication(login.method(), Identities.identity(identities, login), null);
    }

    @Override
    public String formUriText(Object value) {
        return value instanceof HttpURI uri ? uri.asString() : null;
    }

    @Override
    public Object formUri(String text) {
        return HttpURI.from(text);
    }
}
