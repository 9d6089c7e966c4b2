package io.redissessions.core;

/**
 * A setting has a value that cannot work. The message names the setting and the offending value
 * (secrets masked) and says what is expected, so that it can be fixed from the log alone.
 */
public class ConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    public ConfigurationException(String setting, Object value, String expectation) {
        this(setting, value, expectation, null);
    }

    public ConfigurationException(String setting, Object value, String expectation, Throwable cause) {
        super("redis-sessions: invalid value for setting '" + setting + "': '" + value + "' (" + expectation + ")", cause);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
