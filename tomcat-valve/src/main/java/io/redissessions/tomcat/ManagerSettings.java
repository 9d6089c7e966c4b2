package io.redissessions.tomcat;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.Setting;
import io.redissessions.core.Settings;
import io.redissessions.core.SettingsView;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code <Manager>} attributes of {@link RedisSessionManager}: every setting of
 * {@link Settings}, by name, onto one {@link SessionStoreConfig}.
 *
 * <p>Tomcat's digester sets attributes with {@code IntrospectionUtils.setProperty}, which logs and
 * swallows whatever a setter throws, and would let the context start with the default instead.
 * So a text that does not parse is kept here with its error, and {@link #validate()} throws that
 * error when the context starts: the start fails with the setting's name and value in the message.
 */
final class ManagerSettings {

    private final SessionStoreConfig config;
    private final SettingsView view;
    /** Errors of texts that did not parse, by setting; thrown when the context starts. */
    private final Map<Setting<?>, ConfigurationException> unparsable = new LinkedHashMap<>();

    ManagerSettings(SessionStoreConfig config, SettingsView view) {
        this.config = config;
        this.view = view;
    }

    /**
     * A {@code context.xml} attribute: sets the setting of that name from its text.
     *
     * @return false if no setting has that name (the digester then warns about the attribute)
     */
    boolean setText(String name, String text) {
        Setting<?> setting = Settings.find(name);
        if (setting == null) {
            return false;
        }
        try {
            config.set(name, text);
            unparsable.remove(setting);
        } catch (ConfigurationException e) {
            unparsable.put(setting, e);
        }
        return true;
    }

    /** A typed setter's value. */
    <T> void set(Setting<T> setting, T value) {
        config.set(setting, value);
        unparsable.remove(setting);
    }

    /**
     * Checks every setting, as the context starts.
     *
     * @throws ConfigurationException naming the first bad setting
     */
    void validate() {
        if (!unparsable.isEmpty()) {
            throw unparsable.values().iterator().next();
        }
        config.validate();
    }

    /** The value JMX shows for {@code setting}: secrets masked. */
    Object shown(Setting<?> setting) {
        return view.value(setting);
    }

    /** As {@link #shown}, as text. */
    String shownText(Setting<?> setting) {
        return view.text(setting);
    }
}
