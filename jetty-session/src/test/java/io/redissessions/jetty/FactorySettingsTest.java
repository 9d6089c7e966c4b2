package io.redissessions.jetty;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.Setting;
import io.redissessions.core.Settings;
import io.redissessions.testing.SettingSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The factory takes every setting of the table by name, and hands each store a copy of them all. */
class FactorySettingsTest {

    static Stream<Setting<?>> settings() {
        return Settings.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void everySettingIsSetByNameAndReachesTheStore(Setting<?> s) {
        RedisSessionDataStoreFactory factory = new RedisSessionDataStoreFactory();
        String text = SettingSamples.of(s);

        factory.setSetting(s.name(), text);

        SessionStoreConfig copy = factory.copySettings();
        assertThat(copy.get(s)).isEqualTo(s.parse(text)).isNotEqualTo(s.defaultValue());
        assertThat(((RedisSessionDataStore) factory.getSessionDataStore(null)).getConfig().get(s))
                .isEqualTo(s.parse(text));
    }

    @Test
    void copyHoldsEverySettingAndIsTheStoresOwn() {
        RedisSessionDataStoreFactory factory = new RedisSessionDataStoreFactory();
        for (Setting<?> s : Settings.all()) {
            factory.setSetting(s.name(), SettingSamples.of(s));
        }

        SessionStoreConfig copy = factory.copySettings();
        factory.setSetting("poolMaxTotal", "3");

        for (Setting<?> s : Settings.all()) {
            assertThat(copy.get(s)).as(s.name()).isEqualTo(s.parse(SettingSamples.of(s)));
        }
        assertThat(copy.getPoolMaxTotal()).isNotEqualTo(3);
        assertThat(factory.copySettings().getPoolMaxTotal()).isEqualTo(3);
    }

    @Test
    void aNumberThatDoesNotParseIsRefusedNamingTheSetting() {
        RedisSessionDataStoreFactory factory = new RedisSessionDataStoreFactory();
        assertThatThrownBy(() -> factory.setSetting("socketTimeoutMillis", "2s"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("redis-sessions: invalid value for setting 'socketTimeoutMillis': '2s' (expected a whole number)");
    }

    @Test
    void anUnknownNameIsRefusedAndANullValueChangesNothing() {
        RedisSessionDataStoreFactory factory = new RedisSessionDataStoreFactory();
        factory.setSetting("keyPrefix", "app:");
        factory.setSetting("keyPrefix", null);
        assertThat(factory.copySettings().getKeyPrefix()).isEqualTo("app:");
        assertThatThrownBy(() -> factory.setSetting("keyPrefx", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'keyPrefx'");
    }

    @Test
    void typedSettersAndGettersAreTheTableValuesWithSecretsMasked() {
        RedisSessionDataStoreFactory factory = new RedisSessionDataStoreFactory();
        factory.setConnectTimeoutMillis(700);
        factory.setTouchIntervalFraction(0.2);
        factory.setPassword("factory-secret");
        factory.setUri("redis://u:uri-secret@host:6379");

        assertThat(factory.copySettings().get(Settings.CONNECT_TIMEOUT_MILLIS)).isEqualTo(700);
        assertThat(factory.getTouchIntervalFraction()).isEqualTo(0.2);
        assertThat(factory.getPassword()).isEqualTo(Setting.MASK);
        assertThat(factory.getUri()).isEqualTo("redis://****@host:6379");
        assertThat(factory.toString()).doesNotContain("factory-secret", "uri-secret");
    }
}
