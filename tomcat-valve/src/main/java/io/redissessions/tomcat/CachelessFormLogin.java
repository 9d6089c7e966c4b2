package io.redissessions.tomcat;

import org.apache.catalina.Context;
import org.apache.catalina.Valve;
import org.apache.catalina.authenticator.FormAuthenticator;

/**
 * Tomcat's FormAuthenticator with {@code cache="false"} keeps the user name and the password in
 * session notes (to log in again at every request). Those notes travel with the session
 * ({@link SessionExtras#PERSISTED_NOTES}), so the password is stored in Redis: said once, when the
 * context starts.
 */
final class CachelessFormLogin {

    private CachelessFormLogin() {
    }

    /** The warning for {@code context}, or null when it has no FORM authenticator with cache="false". */
    static String warning(Context context, boolean signingKeySet) {
        for (Valve v : context.getPipeline().getValves()) {
            if (v instanceof FormAuthenticator form && !form.getCache()) {
                return "redis-sessions: context [" + context.getName() + "] uses FORM login with cache=\"false\": "
                        + "Tomcat then keeps each user's password in a session note, and that note is stored in Redis "
                        + "with the session (" + (signingKeySet ? "signed with the signingKey, not encrypted"
                                : "in clear text: no signingKey is set") + "), readable by whoever can read Redis. "
                        + "Use cache=\"true\" on the FormAuthenticator (Tomcat's default) unless your realm needs the "
                        + "password at every request.";
            }
        }
        return null;
    }
}
