package io.redissessions.core.session;

/** What a container does with a request whose session Redis could not give or take. */
public enum FailureReaction {
    /**
     * Answer the request with the failure answer (HTTP 503 with {@code Retry-After}) instead of
     * going on with a new, empty session that would log the user out and later overwrite the real
     * one. Always the answer for an overloaded node, whatever {@code failureMode} says.
     */
    ANSWER_FAILURE,
    /** {@code failureMode=local} while Redis is unreachable: go on with a node-local session. */
    SERVE_LOCALLY
}
