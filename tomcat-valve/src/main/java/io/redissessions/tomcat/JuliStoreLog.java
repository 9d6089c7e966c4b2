package io.redissessions.tomcat;

import io.redissessions.core.StoreLog;
import org.apache.juli.logging.Log;

/**
 * The shared policy's log lines, written to Tomcat's logging (JULI) under the manager's
 * category, next to the container's own lines.
 */
final class JuliStoreLog implements StoreLog {

    private final Log log;

    JuliStoreLog(Log log) {
        this.log = log;
    }

    @Override
    public boolean isDebugEnabled() {
        return log.isDebugEnabled();
    }

    @Override
    public void debug(String message) {
        log.debug(message);
    }

    @Override
    public void info(String message) {
        log.info(message);
    }

    @Override
    public void warn(String message) {
        log.warn(message);
    }

    @Override
    public void error(String message, Throwable cause) {
        if (cause == null) {
            log.error(message);
        } else {
            log.error(message, cause);
        }
    }
}
