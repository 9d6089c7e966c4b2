package io.redissessions.core;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One setting of the store, declared once in {@link Settings}: its name (the same everywhere:
 * Tomcat attribute, Jetty property {@code jetty.session.redis.<name>}, JMX attribute), type,
 * default, unit, whether it is secret, the environment variable it may come from, what values it
 * accepts, and a one-line description.
 *
 * <p>Every text a setting shows (logs, messages, JMX) goes through {@link #shown(Object)}: a
 * secret shows {@value #MASK} when set, a URI its password masked, anything else as it is.
 *
 * @param <T> the type of its value: {@link String}, {@link Integer} or {@link Double}
 */
public final class Setting<T> {

    /** What a secret shows instead of its value. */
    public static final String MASK = "****";

    /** How the text of a value is parsed and what a text that does not parse should have been. */
    public record Type<T>(Class<T> javaType, String jmxType, Function<String, T> parser, String expectation) {
        public static final Type<String> TEXT = new Type<>(String.class, "java.lang.String", s -> s, "text");
        public static final Type<Integer> WHOLE_NUMBER =
                new Type<>(Integer.class, "int", s -> Integer.valueOf(s.trim()), "expected a whole number");
        public static final Type<Double> NUMBER =
                new Type<>(Double.class, "double", s -> Double.valueOf(s.trim()), "expected a number, e.g. 0.1");
    }

    /** Checks a value that is set; throws {@link ConfigurationException} if it cannot work. */
    @FunctionalInterface
    public interface Check<T> {
        void check(Setting<T> setting, T value);
    }

    private final String name;
    private final Type<T> type;
    private final T defaultValue;
    private final String unit;
    private final boolean secret;
    private final Function<String, String> masking;
    private final String environmentVariable;
    private final Check<T> check;
    private final String description;

    private Setting(String name, Type<T> type, T defaultValue, String unit, boolean secret,
                    Function<String, String> masking, String environmentVariable, Check<T> check, String description) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.unit = unit;
        this.secret = secret;
        this.masking = masking;
        this.environmentVariable = environmentVariable;
        this.check = check;
        this.description = description;
    }

    // ---------------------------------------------------------------- declaring (used by Settings)

    /** A text setting; {@code defaultValue} null means "not set" (the setting's description says what applies). */
    public static Setting<String> text(String name, String defaultValue) {
        return new Setting<>(name, Type.TEXT, defaultValue, "", false, null, null, (s, v) -> { }, "");
    }

    public static Setting<Integer> wholeNumber(String name, int defaultValue) {
        return new Setting<>(name, Type.WHOLE_NUMBER, defaultValue, "", false, null, null, (s, v) -> { }, "");
    }

    public static Setting<Double> number(String name, double defaultValue) {
        return new Setting<>(name, Type.NUMBER, defaultValue, "", false, null, null, (s, v) -> { }, "");
    }

    private Setting<T> with(String unit, boolean secret, Function<String, String> masking, String env, Check<T> check,
                            String description) {
        return new Setting<>(name, type, defaultValue, unit, secret, masking, env, check, description);
    }

    /** The unit, as docs/configuration.md shows it: {@code ms}, {@code s}, {@code bytes}, ... */
    public Setting<T> unit(String unit) {
        return with(unit, secret, masking, environmentVariable, check, description);
    }

    /** Never shown: {@value #MASK} when set, empty when not. */
    public Setting<T> secret() {
        return with(unit, true, masking, environmentVariable, check, description);
    }

    /** Shown through {@code masking}, for a value that may embed a secret (a URI with a password). */
    public Setting<T> maskedBy(Function<String, String> masking) {
        return with(unit, secret, masking, environmentVariable, check, description);
    }

    /** Taken from this environment variable when the setting is not given (an empty value counts as not given). */
    public Setting<T> environment(String variable) {
        return with(unit, secret, masking, variable, check, description);
    }

    /** Adds a check of the value (when it is set). */
    public Setting<T> checkedBy(Check<T> more) {
        Check<T> first = check;
        return with(unit, secret, masking, environmentVariable, (s, v) -> {
            first.check(s, v);
            more.check(s, v);
        }, description);
    }

    /** The value must pass {@code test}; else the message says {@code expectation}. */
    public Setting<T> rule(Predicate<T> test, String expectation) {
        return checkedBy((s, v) -> {
            if (!test.test(v)) {
                throw s.invalid(v, expectation);
            }
        });
    }

    /** For a whole number: from {@code min} to {@code max}, both included. */
    public Setting<T> range(long min, long max) {
        return rule(v -> ((Number) v).longValue() >= min && ((Number) v).longValue() <= max,
                "expected " + min + " to " + max);
    }

    /** One of these words, in any case, blanks around ignored. */
    public Setting<T> oneOf(String... words) {
        List<String> allowed = List.of(words);
        return rule(v -> allowed.contains(v.toString().trim().toLowerCase(Locale.ROOT)),
                "expected one of: " + String.join(", ", allowed));
    }

    public Setting<T> description(String text) {
        return with(unit, secret, masking, environmentVariable, check, text);
    }

    // ---------------------------------------------------------------- reading

    public String name() { return name; }
    public Type<T> type() { return type; }
    /** The default; null when the setting has none (it is then "not set"). */
    public T defaultValue() { return defaultValue; }
    /** The default as text: empty when there is none. */
    public String defaultText() { return format(defaultValue); }
    /** The unit, empty when the setting has none. */
    public String unit() { return unit; }
    public boolean isSecret() { return secret; }
    /** The environment variable the setting may come from; null when none. */
    public String environmentVariable() { return environmentVariable; }
    public String description() { return description; }

    /**
     * The value of a text: null stays null (not set). An empty text is "not set" too for a text
     * setting that has no default or may come from the environment.
     *
     * @throws ConfigurationException naming the setting and the text (masked), if it does not parse
     */
    public T parse(String text) {
        if (text == null || (text.isEmpty() && emptyMeansNotSet())) {
            return null;
        }
        try {
            return type.parser().apply(text);
        } catch (RuntimeException e) {
            throw invalid(text, type.expectation());
        }
    }

    /** {@code value} as {@link #parse} reads it back; empty for null. */
    public String format(T value) {
        return value == null ? "" : value.toString();
    }

    /** {@code value} (of this setting, or the text of one) as it may be logged or shown: secrets masked. */
    public String shown(Object value) {
        String text = value == null ? "" : value.toString();
        if (secret) {
            return text.isEmpty() ? "" : MASK;
        }
        return masking == null ? text : masking.apply(text);
    }

    /**
     * {@code value} as JMX shows it: the value itself, or its {@link #shown} text when it is
     * masked (secrets, URIs) or text.
     */
    public Object shownValue(T value) {
        return shownAsText() ? shown(value) : value;
    }

    /** The type of {@link #shownValue} as JMX declares it: {@code java.lang.String}, {@code int}, ... */
    public String jmxType() {
        return shownAsText() ? Type.TEXT.jmxType() : type.jmxType();
    }

    private boolean shownAsText() {
        return type == Type.TEXT || secret || masking != null;
    }

    /** The error for {@code value} of this setting: its name, the value masked, the expectation. */
    public ConfigurationException invalid(Object value, String expectation) {
        return new ConfigurationException(name, shown(value), expectation);
    }

    /** Checks a value that is set (null passes). */
    public void check(T value) {
        if (value != null) {
            check.check(this, value);
        }
    }

    T normalize(T value) {
        return value instanceof String s && s.isEmpty() && emptyMeansNotSet() ? null : value;
    }

    private boolean emptyMeansNotSet() {
        return type == Type.TEXT && (defaultValue == null || environmentVariable != null);
    }

    @Override
    public String toString() {
        return name;
    }
}
