package io.redissessions.tomcat;

import io.redissessions.core.SessionStoreException;
import io.redissessions.core.session.FailureReaction;
import io.redissessions.core.session.SessionService;

/**
 * Tomcat's reaction to a Redis call that failed while a request needed it, as the context's
 * {@link SessionService} classifies the failure: the request is answered with 503
 * ({@link SessionStoreUnavailableException}, which the valve turns into the response), or, with
 * {@code failureMode="local"} while Redis is unreachable, it goes on without Redis. Never a new,
 * empty session in place of one Redis could not give.
 */
final class FailureAnswer {

    private FailureAnswer() {
    }

    /**
     * Returns when the request goes on without Redis (failureMode=local, Redis unreachable);
     * otherwise throws.
     *
     * @param what what failed, for the log: sessions by fingerprint only
     * @throws SessionStoreUnavailableException the request is answered with 503
     */
    static void react(SessionService service, SessionStoreException e, String what) {
        if (service.reactionTo(e) != FailureReaction.SERVE_LOCALLY) {
            throw unavailable(service, e, what);
        }
    }

    /** The exception that makes the valve answer 503, recorded as the request's failure. */
    static SessionStoreUnavailableException unavailable(SessionService service, SessionStoreException e, String what) {
        SessionStoreUnavailableException unavailable =
                new SessionStoreUnavailableException(service.failureMessage(e, what), e);
        RequestScope scope = RequestScope.current();
        if (scope != null) {
            scope.failed(unavailable);
        }
        return unavailable;
    }
}
