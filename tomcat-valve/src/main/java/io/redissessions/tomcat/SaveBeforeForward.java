package io.redissessions.tomcat;

import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;

/**
 * Saves the request's sessions when a request is initialised again inside
 * {@link RedisSessionValve}, which is what Tomcat's FORM authenticator does right before it
 * forwards to the login page or the login error page.
 *
 * <p>That forward is made with the connector's own response object, and Tomcat then closes the
 * response: the browser has the login page before the pipeline returns to the valve. By then the
 * authenticator has put the saved request and the new session id into the session, and a fast
 * client could post its credentials to another node before the valve's save. Saving here closes
 * that gap. The valve's own save at the end then writes only what changed after this one.
 *
 * <p>Requests initialised outside the valve (the ordinary start of every request) are ignored.
 * Never throws: an exception here would fail the request.
 */
final class SaveBeforeForward implements ServletRequestListener {

    static final SaveBeforeForward INSTANCE = new SaveBeforeForward();

    private SaveBeforeForward() {
    }

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        RequestScope scope = RequestScope.current();
        if (scope != null && !scope.isClosing()) {
            RedisSessionValve.saveNow(scope);
        }
    }

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        // nothing to do
    }
}
