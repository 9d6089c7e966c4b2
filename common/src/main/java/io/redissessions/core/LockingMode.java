package io.redissessions.core;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which requests hold their session's lock from load to save (setting {@code lockingMode}):
 * {@code none} (no request), {@code all} (every request that uses an existing session) or
 * {@code uriPattern:<regex>} (requests whose path, the context path included and the query
 * left out, matches the regular expression as a whole). See docs/configuration.md.
 */
public final class LockingMode {

    public static final String NONE = "none";
    public static final String ALL = "all";
    public static final String URI_PATTERN = "uriPattern:";

    public static final LockingMode OFF = new LockingMode(NONE, null, false);

    private final String text;
    private final Pattern pattern;
    private final boolean all;

    private LockingMode(String text, Pattern pattern, boolean all) {
        this.text = text;
        this.pattern = pattern;
        this.all = all;
    }

    /**
     * Parses the setting's value.
     *
     * @throws ConfigurationException naming {@code setting} when the value is none of the three forms
     *         or its regular expression does not compile
     */
    public static LockingMode parse(String setting, String value) {
        String v = value == null ? "" : value.trim();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals(NONE)) {
            return OFF;
        }
        if (lower.equals(ALL)) {
            return new LockingMode(ALL, null, true);
        }
        if (v.regionMatches(true, 0, URI_PATTERN, 0, URI_PATTERN.length())) {
            String regex = v.substring(URI_PATTERN.length());
            if (regex.isEmpty()) {
                throw new ConfigurationException(setting, value, "uriPattern: needs a regular expression, "
                        + "e.g. 'uriPattern:/shop/cart/.*'");
            }
            try {
                return new LockingMode(URI_PATTERN + regex, Pattern.compile(regex), false);
            } catch (PatternSyntaxException e) {
                throw new ConfigurationException(setting, value, "the regular expression after uriPattern: does not "
                        + "compile: " + e.getDescription() + " near index " + e.getIndex(), e);
            }
        }
        throw new ConfigurationException(setting, value, "expected none, all or uriPattern:<regular expression>");
    }

    /** Whether any request takes a lock. */
    public boolean isOn() {
        return all || pattern != null;
    }

    /** Whether every request that uses an existing session takes its lock (no path needed). */
    public boolean isAll() {
        return all;
    }

    /** Whether the decision needs the request's path ({@code uriPattern:}). */
    public boolean needsPath() {
        return pattern != null;
    }

    /**
     * Whether a request for {@code path} (decoded, with the context path, without query or path
     * parameters) holds its session's lock.
     */
    public boolean appliesTo(String path) {
        if (all) {
            return true;
        }
        return pattern != null && path != null && pattern.matcher(path).matches();
    }

    /** The value as the setting shows it. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LockingMode m && m.text.equals(text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
