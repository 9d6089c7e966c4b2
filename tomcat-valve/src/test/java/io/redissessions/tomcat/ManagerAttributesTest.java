package io.redissessions.tomcat;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.Setting;
import io.redissessions.core.Settings;
import io.redissessions.testing.SettingSamples;
import org.apache.tomcat.util.IntrospectionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every setting of the table as a {@code <Manager>} attribute, set the way Tomcat's digester sets
 * it ({@code IntrospectionUtils.setProperty(manager, name, text, true)}): through a setter of its
 * own where the manager has one, else through the manager's generic {@code setProperty}.
 */
class ManagerAttributesTest {

    static Stream<Setting<?>> settings() {
        return Settings.all().stream();
    }

    static Stream<Setting<?>> numbers() {
        return Settings.all().stream().filter(s -> s.type() != Setting.Type.TEXT);
    }

    private static RedisSessionManager manager() {
        RedisSessionManager m = new RedisSessionManager();
        m.getConfig().setEnvironment(Map.<String, String>of()::get);
        return m;
    }

    /** As {@code SetPropertiesRule} does it for each attribute of {@code <Manager>}. */
    private static boolean digesterSets(RedisSessionManager manager, String attribute, String text) {
        return IntrospectionUtils.setProperty(manager, attribute, text, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void everySettingIsAnAttribute(Setting<?> s) {
        RedisSessionManager m = manager();
        String text = SettingSamples.of(s);
        if (s.name().startsWith("tls")) {
            // refused where they cannot apply: without a TLS uri, a store password without its store
            for (Setting<?> needed : java.util.List.of(Settings.URI, Settings.TLS_TRUST_STORE, Settings.TLS_KEY_STORE)) {
                assertThat(digesterSets(m, needed.name(), SettingSamples.of(needed))).isTrue();
            }
        }

        assertThat(digesterSets(m, s.name(), text)).isTrue();

        assertThat(m.getConfig().get(s)).isEqualTo(s.parse(text)).isNotEqualTo(s.defaultValue());
        m.validateSettings();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numbers")
    void aNumberThatDoesNotParseFailsTheStartNamingTheSetting(Setting<?> s) {
        RedisSessionManager m = manager();

        assertThat(digesterSets(m, s.name(), "12x")).isTrue();

        assertThatThrownBy(m::validateSettings).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("redis-sessions: invalid value for setting '" + s.name() + "': '12x' (");
        assertThat(m.getConfig().get(s)).isEqualTo(s.defaultValue());
    }

    @Test
    void aLaterValidValueReplacesTheBadOne() {
        RedisSessionManager m = manager();
        digesterSets(m, "poolMaxTotal", "many");
        digesterSets(m, "poolMaxTotal", " 32 ");

        m.validateSettings();
        assertThat(m.getConfig().getPoolMaxTotal()).isEqualTo(32);
    }

    @Test
    void theGenericSetterTakesEverySettingAndNothingElse() {
        RedisSessionManager m = manager();
        for (Setting<?> s : Settings.all()) {
            assertThat(m.setProperty(s.name(), SettingSamples.of(s))).as(s.name()).isTrue();
            assertThat(m.getConfig().get(s)).as(s.name()).isEqualTo(s.parse(SettingSamples.of(s)));
        }
        assertThat(m.setProperty("noSuchSetting", "x")).isFalse();
        assertThat(digesterSets(m, "noSuchSetting", "x")).as("the digester warns about it").isFalse();
        m.validateSettings();
    }

    @Test
    void tomcatsOwnManagerAttributesStillReachTheirSetters() {
        RedisSessionManager m = manager();
        assertThat(digesterSets(m, "maxActiveSessions", "7")).isTrue();
        assertThat(digesterSets(m, "processExpiresFrequency", "3")).isTrue();
        assertThat(m.getMaxActiveSessions()).isEqualTo(7);
        assertThat(m.getProcessExpiresFrequency()).isEqualTo(3);
    }

    @Test
    void typedSettersForJavaCallersAreTheTableValues() {
        RedisSessionManager m = manager();
        m.setConnectTimeoutMillis(1500);
        m.setTouchIntervalFraction(0.3);
        m.setPassword("from-java");
        assertThat(m.getConfig().get(Settings.CONNECT_TIMEOUT_MILLIS)).isEqualTo(1500);
        assertThat(m.getConfig().get(Settings.TOUCH_INTERVAL_FRACTION)).isEqualTo(0.3);
        assertThat(m.settings().shown(Settings.PASSWORD)).isEqualTo(Setting.MASK);
        assertThat(m.getConfiguration()).contains("password=****").doesNotContain("from-java");
    }
}
