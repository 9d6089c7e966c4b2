package io.redissessions.core;

import java.util.Locale;

/** What a container does with a request that needs its session while Redis cannot be reached. */
public enum FailureMode {
    /** Answer such requests with an error (HTTP 503) instead of a new, empty session. The default. */
    FAIL,
    /** Serve such requests with node-local sessions until Redis is back, and say so in the log. */
    LOCAL;

    /** Parses {@code fail} or {@code local} (any case). */
    public static FailureMode parse(String setting, String value) {
        if (value != null) {
            for (FailureMode mode : values()) {
                if (mode.name().equalsIgnoreCase(value.trim())) {
                    return mode;
                }
            }
        }
        throw new ConfigurationException(setting, value, "expected one of: fail, local");
    }

    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
