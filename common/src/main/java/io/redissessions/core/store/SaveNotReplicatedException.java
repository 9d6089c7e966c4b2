package io.redissessions.core.store;

import io.redissessions.core.SessionStoreException;

/**
 * A save that the master applied but fewer than {@code saveReplicas} replicas acknowledged within
 * {@code saveReplicasTimeoutMillis}: a failover may lose it. The request gets the failure answer
 * whatever {@code failureMode} says (Redis is reachable; serving node-local sessions would not
 * help). Of kind {@link Kind#UNAVAILABLE}: the replicas cannot be used now.
 */
public final class SaveNotReplicatedException extends SessionStoreException {
    private static final long serialVersionUID = 1L;

    private final int required;
    private final long acknowledged;

    SaveNotReplicatedException(String message, int required, long acknowledged, Throwable cause) {
        super(Kind.UNAVAILABLE, message, cause);
        this.required = required;
        this.acknowledged = acknowledged;
    }

    /** {@code saveReplicas}. */
    public int replicasRequired() {
        return required;
    }

    /** How many replicas had the save when WAIT answered (0 when WAIT failed). */
    public long replicasAcknowledged() {
        return acknowledged;
    }
}
