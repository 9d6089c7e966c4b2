package io.redissessions.jetty;

import org.eclipse.jetty.security.DefaultIdentityService;
import org.eclipse.jetty.security.IdentityService;
import org.eclipse.jetty.security.RolePrincipal;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.security.UserPrincipal;

import javax.security.auth.Subject;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/** Jetty's {@link UserIdentity} to and from a {@link Login}, the same for every environment. */
final class Identities {

    private Identities() {
    }

    /**
     * The roles of a user: the {@link RolePrincipal}s of its subject (what Jetty's own login
     * services give it) and, for any login service, the roles that {@code securityHandler} knows
     * (its constraints and declared roles) that the user is in.
     */
    static SortedSet<String> rolesOf(UserIdentity identity, Object securityHandler) {
        SortedSet<String> roles = new TreeSet<>();
        Subject subject = identity.getSubject();
        if (subject != null) {
            for (RolePrincipal role : subject.getPrincipals(RolePrincipal.class)) {
                roles.add(role.getName());
            }
        }
        for (String role : knownRoles(securityHandler)) {
            if (!roles.contains(role) && identity.isUserInRole(role)) {
                roles.add(role);
            }
        }
        return roles;
    }

    /** The roles a constraint-aware security handler knows ({@code getKnownRoles()} or {@code getRoles()}). */
    private static Collection<String> knownRoles(Object securityHandler) {
        if (securityHandler == null) {
            return java.util.List.of();
        }
        for (String name : new String[]{"getKnownRoles", "getRoles"}) {
            try {
                Method m = securityHandler.getClass().getMethod(name);
                if (m.invoke(securityHandler) instanceof Collection<?> c) {
                    return c.stream().filter(String.class::isInstance).map(String.class::cast).toList();
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // not a constraint-aware handler: only the subject's roles count
            }
        }
        return java.util.List.of();
    }

    /**
     * A user identity for a login: a subject with a {@link UserPrincipal} that holds no credential
     * and the user's {@link RolePrincipal}s, made by {@code identityService} (Jetty's default one
     * when there is none in scope).
     */
    static UserIdentity identity(IdentityService identityService, Login login) {
        IdentityService service = identityService != null ? identityService : new DefaultIdentityService();
        Subject subject = new Subject();
        UserPrincipal principal = new UserPrincipal(login.user(), null);
        principal.configureSubject(subject);
        for (String role : login.roles()) {
            new RolePrincipal(role).configureForSubject(subject);
        }
        subject.setReadOnly();
        return service.newUserIdentity(subject, principal, login.roles().toArray(new String[0]));
    }
}
