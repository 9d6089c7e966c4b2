package io.redissessions.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The settings of one store as JMX shows them, for every setting of {@link Settings} alike:
 * secrets masked, numbers as numbers, and where the running store decided a value itself (the
 * namespace from the context path, the node id from the host), that value instead of the
 * configured one. Both adapters' MBeans answer every setting through {@link #value(Setting)}.
 */
public final class SettingsView {

    private final SessionStoreConfig config;
    private final Map<Setting<?>, Supplier<?>> inEffect = new HashMap<>();

    public SettingsView(SessionStoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Shows what {@code value} supplies for {@code setting} instead of its configuration, while it
     * supplies something other than null (typically: once the store has started).
     */
    public <T> SettingsView inEffect(Setting<T> setting, Supplier<? extends T> value) {
        inEffect.put(setting, value);
        return this;
    }

    /** The value of {@code setting} as JMX shows it, of the type {@link Setting#jmxType()} names. */
    public Object value(Setting<?> setting) {
        Supplier<?> supplier = inEffect.get(setting);
        Object running = supplier == null ? null : supplier.get();
        return running != null ? shownValue(setting, running) : config.shownValue(setting);
    }

    /** The value of {@code setting} as text, secrets masked. */
    public String text(Setting<?> setting) {
        Object v = value(setting);
        return v == null ? "" : v.toString();
    }

    private static <T> Object shownValue(Setting<T> setting, Object value) {
        return setting.shownValue(setting.type().javaType().cast(value));
    }
}
