package io.redissessions.jetty;

import io.redissessions.core.StoreLog;
import org.slf4j.Logger;

import java.util.Objects;

/** The shared policy's log lines, written to Jetty's logging (SLF4J) under the store's logger. */
final class Slf4jStoreLog implements StoreLog {

    private final Logger log;

    Slf4jStoreLog(Logger log) {
        this.log = Objects.requireNonNull(log, "log");
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
        log.error(message, cause);
    }
}
