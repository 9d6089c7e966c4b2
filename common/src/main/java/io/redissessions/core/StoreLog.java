package io.redissessions.core;

import java.util.Objects;

/**
 * Where the shared store writes its log lines. Each adapter hands in one that writes to its
 * container's logging (Tomcat's JULI, Jetty's SLF4J), so that a line of the shared policy lands
 * where the operator reads that container's own lines. {@link #system(String)} writes to
 * {@link System.Logger}, for embedding code and tests.
 *
 * <p>Lines name sessions by {@link SessionIds#fingerprint(String)} at INFO and above; a full
 * session id appears at DEBUG only.
 */
public interface StoreLog {

    boolean isDebugEnabled();

    void debug(String message);

    void info(String message);

    void warn(String message);

    void error(String message, Throwable cause);

    /** A log over {@link System.Logger} with this name. */
    static StoreLog system(String name) {
        System.Logger logger = System.getLogger(Objects.requireNonNull(name, "name"));
        return new StoreLog() {
            @Override
            public boolean isDebugEnabled() {
                return logger.isLoggable(System.Logger.Level.DEBUG);
            }

            @Override
            public void debug(String message) {
                logger.log(System.Logger.Level.DEBUG, message);
            }

            @Override
            public void info(String message) {
                logger.log(System.Logger.Level.INFO, message);
            }

            @Override
            public void warn(String message) {
                logger.log(System.Logger.Level.WARNING, message);
            }

            @Override
            public void error(String message, Throwable cause) {
                logger.log(System.Logger.Level.ERROR, message, cause);
            }
        };
    }
}
