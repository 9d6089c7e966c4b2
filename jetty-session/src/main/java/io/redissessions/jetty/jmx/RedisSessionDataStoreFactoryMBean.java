package io.redissessions.jetty.jmx;

import io.redissessions.core.SettingsView;
import io.redissessions.jetty.RedisSessionDataStoreFactory;

/**
 * The JMX face of {@link RedisSessionDataStoreFactory}: every setting (secrets masked), writable
 * as its setters are; it applies to the stores of contexts started afterwards.
 */
public class RedisSessionDataStoreFactoryMBean extends SettingsMBean {

    public RedisSessionDataStoreFactoryMBean(Object managed) {
        super(managed, true);
    }

    @Override
    SettingsView view() {
        return ((RedisSessionDataStoreFactory) getManagedObject()).settingsView();
    }

    @Override
    void set(String name, String text) {
        ((RedisSessionDataStoreFactory) getManagedObject()).setSetting(name, text);
    }
}
