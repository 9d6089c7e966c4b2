package io.redissessions.jetty;

/**
 * How one Jetty environment's authenticators represent their session state: core (the
 * authenticators of {@code org.eclipse.jetty.security}, used by ee10 and ee11 webapps) or a nested
 * environment (ee8, ee9, each with its own authenticators).
 */
interface Logins {

    /** The login held by this environment's session authentication object; null if {@code value} is none. */
    Login read(Object value);

    /**
     * This environment's session authentication object for a login, made through the security
     * handler in scope (its identity service); null when none can be made here.
     */
    Object rebuild(Login login);

    /** The FORM authenticator's saved request URI as text; null if {@code value} is not one. */
    String formUriText(Object value);

    /** The FORM authenticator's saved request URI as this environment keeps it. */
    Object formUri(String text);
}
