package io.redissessions.jetty;

import org.eclipse.jetty.security.IdentityService;
import org.eclipse.jetty.security.UserIdentity;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;

/**
 * The authenticators of a nested environment (ee8, ee9: {@code org.eclipse.jetty.eeN.security}),
 * whose classes live in that environment's class loader and are reached by reflection: a login is
 * the environment's {@code SessionAuthentication}, the saved URI a {@code String}. The class names
 * are fixed here; nothing read from Redis names a class.
 */
final class NestedLogins implements Logins {

    private final Class<?> sessionAuthentication;
    private final Constructor<?> newSessionAuthentication;
    private final Method getAuthMethod;
    private final Method getUserIdentity;
    private final Method currentSecurityHandler;
    private final Method getIdentityService;

    private NestedLogins(Class<?> sessionAuthentication, Class<?> securityHandler) throws ReflectiveOperationException {
        this.sessionAuthentication = sessionAuthentication;
        this.newSessionAuthentication = sessionAuthentication.getConstructor(String.class, UserIdentity.class, Object.class);
        this.getAuthMethod = sessionAuthentication.getMethod("getAuthMethod");
        this.getUserIdentity = sessionAuthentication.getMethod("getUserIdentity");
        this.currentSecurityHandler = securityHandler.getMethod("getCurrentSecurityHandler");
        this.getIdentityService = securityHandler.getMethod("getIdentityService");
    }

    /**
     * The nested environment {@code org.eclipse.jetty.<environment>} as its class loader sees it;
     * null when its security classes are not there (no {@code eeN-security} module) or differ.
     */
    static NestedLogins of(String environment, ClassLoader loader) {
        String pkg = "org.eclipse.jetty." + environment + ".security";
        try {
            return new NestedLogins(Class.forName(pkg + ".authentication.SessionAuthentication", false, loader),
                    Class.forName(pkg + ".SecurityHandler", false, loader));
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    @Override
    public Login read(Object value) {
        if (value == null || value.getClass() != sessionAuthentication) {
            return null;
        }
        try {
            String method = (String) getAuthMethod.invoke(value);
            UserIdentity identity = (UserIdentity) getUserIdentity.invoke(value);
            if (method == null || identity == null || identity.getUserPrincipal() == null) {
                return null;
            }
            return new Login(method, identity.getUserPrincipal().getName(),
                    Identities.rolesOf(identity, currentSecurityHandler()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public Object rebuild(Login login) {
        try {
            Object security = currentSecurityHandler();
            IdentityService identities = security == null ? null : (IdentityService) getIdentityService.invoke(security);
            return newSessionAuthentication.newInstance(login.method(), Identities.identity(identities, login), null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private Object currentSecurityHandler() throws ReflectiveOperationException {
        return currentSecurityHandler.invoke(null);
    }

    @Override
    public String formUriText(Object value) {
        return value instanceof String s ? s : null;
    }

    @Override
    public Object formUri(String text) {
        return text;
    }
}
