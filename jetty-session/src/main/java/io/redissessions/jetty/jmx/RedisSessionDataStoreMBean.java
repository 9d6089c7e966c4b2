package io.redissessions.jetty.jmx;

import io.redissessions.core.SettingsView;
import io.redissessions.jetty.RedisSessionDataStore;

/** The JMX face of {@link RedisSessionDataStore}: every setting in effect (secrets masked), read-only. */
public class RedisSessionDataStoreMBean extends SettingsMBean {

    public RedisSessionDataStoreMBean(Object managed) {
        super(managed, false);
    }

    @Override
    SettingsView view() {
        return ((RedisSessionDataStore) getManagedObject()).settingsView();
    }
}
