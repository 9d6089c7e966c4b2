package io.redissessions.bench.reliability;

/**
 * One answer the load client got (or did not get): when it was sent (ms since the load started),
 * how long it took, the HTTP status or {@link #NO_CONNECTION} / {@link #NO_ANSWER}, which node
 * and page.
 */
public record Answer(long atMillis, long latencyMillis, int status, String node, String page) {

    /** The connection failed (refused, reset, closed before an answer). */
    public static final int NO_CONNECTION = -1;
    /** No answer within the client's timeout. */
    public static final int NO_ANSWER = -2;

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    public static String statusName(int status) {
        return switch (status) {
            case NO_CONNECTION -> "connection failed";
            case NO_ANSWER -> "no answer";
            default -> Integer.toString(status);
        };
    }
}
