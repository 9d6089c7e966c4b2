package io.redissessions.testing;

import io.redissessions.core.StoreLog;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** A {@link StoreLog} that keeps every line ("WARN message"), for tests that check what is logged. */
public final class RecordingLog implements StoreLog {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final boolean debug;

    public RecordingLog() {
        this(false);
    }

    public RecordingLog(boolean debug) {
        this.debug = debug;
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines of one level ("DEBUG", "INFO", "WARN", "ERROR"), without the level. */
    public List<String> at(String level) {
        return lines.stream().filter(l -> l.startsWith(level + " ")).map(l -> l.substring(level.length() + 1))
                .collect(Collectors.toList());
    }

    public long count(String level, String containing) {
        return at(level).stream().filter(l -> l.contains(containing)).count();
    }

    @Override
    public boolean isDebugEnabled() {
        return debug;
    }

    @Override
    public void debug(String message) {
        if (debug) {
            lines.add("DEBUG " + message);
        }
    }

    @Override
    public void info(String message) {
        lines.add("INFO " + message);
    }

    @Override
    public void warn(String message) {
        lines.add("WARN " + message);
    }

    @Override
    public void error(String message, Throwable cause) {
        lines.add("ERROR " + message + (cause == null ? "" : " | " + cause));
    }
}
