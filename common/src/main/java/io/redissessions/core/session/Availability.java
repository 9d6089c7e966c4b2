package io.redissessions.core.session;

import io.redissessions.core.FailureMode;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.StoreLog;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Whether Redis is reachable for one context, as both containers track it: down after a call
 * failed because Redis is {@link SessionStoreException.Kind#UNAVAILABLE unavailable}, up again
 * after a call succeeded. Each change is logged once (WARN when it goes down, INFO when it comes
 * back); the failures in between only at DEBUG. An overloaded node (no free pooled connection) is
 * not "Redis is down": it is logged at most once a minute and leaves the state alone. Failures
 * about data ({@code DATA}, {@code REJECTED}) say nothing about reachability. Thread-safe.
 */
public final class Availability {

    /** While down, {@link #probe()} asks Redis at most this often. */
    static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long OVERLOAD_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final StoreLog log;
    private final String scope;
    private final FailureMode failureMode;
    private final BooleanSupplier ping;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong lastProbeNanos = new AtomicLong(System.nanoTime() - PROBE_INTERVAL_NANOS);
    private final AtomicLong lastOverloadLogNanos = new AtomicLong(System.nanoTime() - OVERLOAD_LOG_INTERVAL_NANOS);
    private volatile boolean reached;

    /**
     * @param scope how log lines name what this is about, e.g. {@code context [/shop]}
     * @param ping  a PING of Redis; true if it answered
     */
    Availability(StoreLog log, String scope, FailureMode failureMode, BooleanSupplier ping) {
        this.log = Objects.requireNonNull(log, "log");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.failureMode = Objects.requireNonNull(failureMode, "failureMode");
        this.ping = Objects.requireNonNull(ping, "ping");
    }

    /** A Redis call succeeded. */
    public void succeeded() {
        reached = true;
        if (down.compareAndSet(true, false)) {
            log.info("redis-sessions: Redis is reachable again for " + scope);
        }
    }

    /** A Redis call of {@code what} failed with {@code e}. */
    public void failed(SessionStoreException e, String what) {
        switch (e.kind()) {
            case UNAVAILABLE -> {
                lastProbeNanos.set(System.nanoTime());
                if (down.compareAndSet(false, true)) {
                    log.warn("redis-sessions: Redis is unreachable for " + scope + " (" + what + ": " + e.getMessage()
                            + "); " + consequence());
                } else if (log.isDebugEnabled()) {
                    log.debug("redis-sessions: Redis still unreachable for " + scope + " (" + what + "): "
                            + e.getMessage());
                }
            }
            case OVERLOADED -> {
                long now = System.nanoTime();
                long last = lastOverloadLogNanos.get();
                if (now - last >= OVERLOAD_LOG_INTERVAL_NANOS && lastOverloadLogNanos.compareAndSet(last, now)) {
                    log.warn("redis-sessions: " + scope + " has more concurrent requests than Redis connections (" + what
                            + "): " + e.getMessage() + "; such requests get 503. Raise poolMaxTotal or "
                            + "poolMaxWaitMillis if this is the normal load (logged at most once a minute)");
                }
            }
            case DATA, REJECTED, LOCKED -> {
                // about one session's data, one operation or one session's lock: Redis itself is fine
            }
        }
    }

    private String consequence() {
        return failureMode == FailureMode.LOCAL
                ? "serving node-local sessions until it is back (failureMode=local)"
                : "requests that need their session get 503 until it is back (failureMode=fail)";
    }

    /** False after a call failed because Redis is unavailable, until one succeeds again. */
    public boolean isReachable() {
        return !down.get();
    }

    /**
     * Whether Redis is reachable, for decisions that have no Redis call of their own (creating a
     * session while Redis may be down). Known from the last call; until the first call succeeds,
     * and while down, Redis is asked (PING), at most once a second.
     */
    public boolean probe() {
        if (reached && !down.get()) {
            return true;
        }
        long now = System.nanoTime();
        long last = lastProbeNanos.get();
        if (down.get() && (now - last < PROBE_INTERVAL_NANOS || !lastProbeNanos.compareAndSet(last, now))) {
            return false;
        }
        return checkNow("PING");
    }

    /**
     * Records the answer to the PING made when the context started. A Redis that is down is logged
     * once with what it means for requests; the container starts anyway.
     *
     * @param answered whether Redis answered
     */
    void atStart(boolean answered) {
        if (answered) {
            succeeded();
            return;
        }
        if (reached) {
            return; // a request got an answer while the check waited for its own: that is newer
        }
        if (down.compareAndSet(false, true)) {
            log.warn("redis-sessions: Redis cannot be reached yet for " + scope + "; it starts anyway and its "
                    + "sessions work as soon as Redis is up (meanwhile " + consequence() + ")");
        }
        lastProbeNanos.set(System.nanoTime());
    }

    private boolean checkNow(String what) {
        if (ping.getAsBoolean()) {
            succeeded();
            return true;
        }
        failed(new SessionStoreException("redis-sessions: " + what + " got no answer"), what);
        return false;
    }
}
