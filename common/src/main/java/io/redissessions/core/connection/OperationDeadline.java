package io.redissessions.core.connection;

/**
 * The deadline of one store operation across all its attempts: the store's own read retry and the
 * Cluster client's redirects and reconnects share it. Opened by {@link RedisConnector#startOperation()}
 * on the calling thread and closed when the operation returns (try-with-resources); the connector's
 * Jedis hooks find it through the thread.
 *
 * <p>The rules that keep an operation within {@code operationTimeoutMillis}:
 * <ul>
 *   <li>the first attempt always starts (the setting is validated to leave room for one);</li>
 *   <li>another attempt starts only while at least {@link #attemptMillis()} are left: the longest
 *       getting a connection can take (a free pooled one, or a new one: connect and the first reply
 *       of its handshake);</li>
 *   <li>a command waits for its reply at most {@code socketTimeoutMillis} and at most the time
 *       left; with no time left it is not sent.</li>
 * </ul>
 * Not thread-safe: one operation, one thread.
 */
public final class OperationDeadline implements AutoCloseable {

    private static final ThreadLocal<OperationDeadline> CURRENT = new ThreadLocal<>();

    private final long timeoutMillis;
    private final long attemptMillis;
    private final long endNanos;
    private final OperationDeadline outer;
    private int attempts;
    private RuntimeException lastFailure;

    private OperationDeadline(long timeoutMillis, long attemptMillis, OperationDeadline outer) {
        this.timeoutMillis = timeoutMillis;
        this.attemptMillis = attemptMillis;
        this.endNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
        this.outer = outer;
    }

    /** Starts an operation on this thread; close it when the operation returns. */
    static OperationDeadline open(long timeoutMillis, long attemptMillis) {
        OperationDeadline d = new OperationDeadline(timeoutMillis, attemptMillis, CURRENT.get());
        CURRENT.set(d);
        return d;
    }

    /** The operation running on this thread, or null outside one. */
    static OperationDeadline current() {
        return CURRENT.get();
    }

    /** The bound of the whole operation. */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** The time an attempt needs at least before it may start, if it is not the first. */
    public long attemptMillis() {
        return attemptMillis;
    }

    /** Milliseconds until the deadline; zero or less once it has passed. */
    public long millisLeft() {
        return Math.floorDiv(endNanos - System.nanoTime(), 1_000_000L);
    }

    /** Whether another attempt may start now: enough time left to get a connection and send. */
    public boolean allowsAnotherAttempt() {
        return millisLeft() >= attemptMillis;
    }

    /**
     * Counts an attempt that is about to get a connection; false if it must not start (not the
     * first one, and too little time left).
     */
    boolean startAttempt() {
        attempts++;
        return attempts == 1 || allowsAnotherAttempt();
    }

    int attempts() {
        return attempts;
    }

    /** The reply timeout for the next command: the socket timeout, cut to the time left. */
    int readTimeoutMillis(int socketTimeoutMillis) {
        return (int) Math.max(0, Math.min(socketTimeoutMillis, millisLeft()));
    }

    void failed(RuntimeException e) {
        lastFailure = e;
    }

    /** Why the operation stops: for the exception that ends it. */
    String exceededMessage() {
        return "redis-sessions: operationTimeoutMillis=" + timeoutMillis + " leaves no time for attempt "
                + Math.max(1, attempts) + " (" + Math.max(0, millisLeft()) + " ms left, an attempt may need "
                + attemptMillis + " ms)" + (lastFailure == null ? "" : "; last failure: " + lastFailure);
    }

    @Override
    public void close() {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }
}
