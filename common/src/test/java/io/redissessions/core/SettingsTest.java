package io.redissessions.core;

import io.redissessions.testing.SettingSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings table: parsing, checks, masking, the environment, copies and descriptions. */
class SettingsTest {

    private static SessionStoreConfig config(Map<String, String> environment) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setEnvironment(environment::get);
        return c;
    }

    static Stream<Setting<?>> settings() {
        return Settings.all().stream();
    }

    static Stream<Setting<?>> secrets() {
        return Settings.all().stream().filter(Setting::isSecret);
    }

    /** A valid value of {@code s} other than its default, as text. */
    static String sample(Setting<?> s) {
        return SettingSamples.of(s);
    }

    @Test
    void namesAreUniqueAndEverySettingIsDescribed() {
        Set<String> names = new HashSet<>();
        for (Setting<?> s : Settings.all()) {
            assertThat(names.add(s.name())).as("unique name %s", s).isTrue();
            assertThat(s.description()).as("description of %s", s).isNotBlank();
            assertThat(Settings.find(s.name())).isSameAs(s);
        }
        assertThat(Settings.find("noSuchSetting")).isNull();
    }

    @Test
    void theTableHoldsTheSettingsTheAdaptersHaveAlwaysHad() {
        assertThat(Settings.all()).extracting(Setting::name).contains(
                "uri", "user", "password", "connectTimeoutMillis", "socketTimeoutMillis", "poolMaxTotal",
                "poolMaxWaitMillis", "operationTimeoutMillis", "clientName", "tlsTrustStore", "tlsTrustStorePassword", "tlsKeyStore",
                "tlsKeyStorePassword", "keyPrefix", "namespace", "nodeId", "expiryGraceSeconds",
                "touchIntervalFraction", "codec", "allowedClasses", "compressionThresholdBytes", "signingKey",
                "failureMode");
        assertThat(Settings.all()).filteredOn(Setting::isSecret).extracting(Setting::name)
                .containsExactlyInAnyOrder("password", "signingKey", "tlsTrustStorePassword", "tlsKeyStorePassword");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void everySettingTakesItsValueAsTextByNameAndReadsItBackTyped(Setting<?> s) {
        SessionStoreConfig c = config(Map.of());
        String text = sample(s);

        c.set(s.name(), text);

        assertThat(c.get(s)).isEqualTo(s.parse(text)).isNotEqualTo(s.defaultValue());
        assertThat(c.get(s)).isInstanceOf(s.type().javaType());
        assertThat(c.isSet(s)).isTrue();
        assertThat(formatted(s, c)).isEqualTo(text);
        c.set(s.name(), null);
        assertThat(c.get(s)).isEqualTo(s.defaultValue());
        assertThat(c.isSet(s)).isFalse();
    }

    private static <T> String formatted(Setting<T> s, SessionStoreConfig c) {
        return s.format(c.get(s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void everySampleAndEveryDefaultPassesTheChecks(Setting<?> s) {
        SessionStoreConfig c = config(Map.of());
        c.validate();
        if (s.name().startsWith("tls")) {
            // refused where they cannot apply: without a TLS uri, a store password without its store
            c.set(Settings.URI.name(), sample(Settings.URI));
            c.set(Settings.TLS_TRUST_STORE.name(), sample(Settings.TLS_TRUST_STORE));
            c.set(Settings.TLS_KEY_STORE.name(), sample(Settings.TLS_KEY_STORE));
        }
        c.set(s.name(), sample(s));
        c.validate();
    }

    @Test
    void parsesEachTypeTrimmingNumbers() {
        assertThat(Settings.CONNECT_TIMEOUT_MILLIS.parse(" 1500 ")).isEqualTo(1500);
        assertThat(Settings.TOUCH_INTERVAL_FRACTION.parse("0.25")).isEqualTo(0.25);
        assertThat(Settings.TOUCH_INTERVAL_FRACTION.parse("0")).isEqualTo(0.0);
        assertThat(Settings.KEY_PREFIX.parse(" a b ")).isEqualTo(" a b ");
        assertThat(Settings.KEY_PREFIX.parse("")).isEqualTo("");
        assertThat(Settings.CLIENT_NAME.parse("")).isEqualTo("");
        assertThat(Settings.NAMESPACE.parse("")).as("no default: empty means not set").isNull();
        assertThat(Settings.URI.parse("")).as("from the environment: empty means not set").isNull();
        assertThat(Settings.POOL_MAX_TOTAL.parse(null)).isNull();
    }

    @Test
    void unparsableNumberNamesTheSettingAndTheText() {
        SessionStoreConfig c = config(Map.of());
        assertThatThrownBy(() -> c.set("connectTimeoutMillis", "2s"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("redis-sessions: invalid value for setting 'connectTimeoutMillis': '2s' (expected a whole number)")
                .satisfies(e -> assertThat(((ConfigurationException) e).setting()).isEqualTo("connectTimeoutMillis"));
        assertThatThrownBy(() -> c.set("touchIntervalFraction", "10%"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("redis-sessions: invalid value for setting 'touchIntervalFraction': '10%' (");
        assertThatThrownBy(() -> c.set("poolMaxTotal", ""))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'poolMaxTotal': ''");
        assertThat(c.getConnectTimeoutMillis()).isEqualTo(SessionStoreConfig.DEFAULT_CONNECT_TIMEOUT_MILLIS);
    }

    @Test
    void unknownSettingNameIsRefusedWithoutShowingTheValue() {
        SessionStoreConfig c = config(Map.of());
        assertThatThrownBy(() -> c.set("pasword", "hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'pasword'").hasMessageContaining("password")
                .hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void secretsAreMaskedInDescribeJmxAndErrors(Setting<?> s) {
        SessionStoreConfig c = config(Map.of());
        assertThat(c.describe().get(s.name())).as("not set").isEmpty();
        c.set(s.name(), "short");

        assertThat(c.describe().get(s.name())).isEqualTo(Setting.MASK);
        assertThat(c.shownText(s)).isEqualTo(Setting.MASK);
        assertThat(new SettingsView(c).value(s)).isEqualTo(Setting.MASK);
        assertThat(c.toString()).doesNotContain("short");
        assertThat(s.invalid("short", "whatever").getMessage()).contains("'****'").doesNotContain("short");
    }

    @Test
    void uriShowsItsPasswordMasked() {
        SessionStoreConfig c = config(Map.of());
        c.setUri("redis://app:hunter2@cache:6379/0");
        assertThat(c.describe().get("uri")).isEqualTo("redis://****@cache:6379/0");
        assertThat(new SettingsView(c).value(Settings.URI)).isEqualTo("redis://****@cache:6379/0");
        c.setUri("redis://app:hunter2@cache:63x9");
        assertThatThrownBy(c::validate).hasMessageContaining("'uri'").hasMessageNotContaining("hunter2");
    }

    @Test
    void describeListsEverySettingInTableOrder() {
        SessionStoreConfig c = config(Map.of());
        assertThat(List.copyOf(c.describe().keySet()))
                .isEqualTo(Settings.all().stream().map(Setting::name).toList());
        assertThat(c.describe()).containsEntry("connectTimeoutMillis", "2000").containsEntry("touchIntervalFraction", "0.1")
                .containsEntry("uri", "redis://127.0.0.1:6379").containsEntry("namespace", "")
                .containsEntry("codec", "json").containsEntry("password", "");
    }

    @Test
    void explicitSettingWinsOverEnvironmentWhichWinsOverDefault() {
        Map<String, String> env = Map.of(SessionStoreConfig.ENV_URI, "redis://env-host:6379",
                SessionStoreConfig.ENV_SIGNING_KEY, "key-from-the-environment-0123");
        SessionStoreConfig c = config(env);
        assertThat(c.effective(Settings.URI)).isEqualTo("redis://env-host:6379");
        assertThat(c.get(Settings.URI)).as("get ignores the environment").isEqualTo(SessionStoreConfig.DEFAULT_URI);
        assertThat(c.effective(Settings.SIGNING_KEY)).isEqualTo("key-from-the-environment-0123");
        assertThat(c.effective(Settings.USER)).isNull();

        c.set("uri", "redis://setting-host:6380");
        c.set("signingKey", "");
        assertThat(c.effective(Settings.URI)).isEqualTo("redis://setting-host:6380");
        assertThat(c.effective(Settings.SIGNING_KEY)).as("empty counts as not given")
                .isEqualTo("key-from-the-environment-0123");
        assertThat(c.describe().get("signingKey")).isEqualTo(Setting.MASK);
    }

    @Test
    void signingKeyFromTheEnvironmentIsCheckedToo() {
        SessionStoreConfig c = config(Map.of(SessionStoreConfig.ENV_SIGNING_KEY, "short-env-key"));
        assertThatThrownBy(c::validate).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'signingKey': '****'").hasMessageNotContaining("short-env-key");
    }

    @Test
    void copyHasTheSameValuesAndEnvironmentAndIsIndependent() {
        SessionStoreConfig c = config(Map.of(SessionStoreConfig.ENV_PASSWORD, "env-pw"));
        for (Setting<?> s : Settings.all()) {
            c.set(s.name(), sample(s));
        }

        SessionStoreConfig copy = c.copy();

        for (Setting<?> s : Settings.all()) {
            assertThat(copy.get(s)).as(s.name()).isEqualTo(c.get(s));
        }
        copy.set(Settings.PASSWORD, null);
        assertThat(copy.effective(Settings.PASSWORD)).isEqualTo("env-pw");
        copy.setPoolMaxTotal(99);
        assertThat(c.getPoolMaxTotal()).isNotEqualTo(99);
    }

    @Test
    void viewShowsNumbersAsNumbersAndWhatTheRunningStoreUses() {
        SessionStoreConfig c = config(Map.of());
        c.setNamespace("configured");
        String[] running = {null};
        SettingsView view = new SettingsView(c).inEffect(Settings.NAMESPACE, () -> running[0]);

        assertThat(view.value(Settings.CONNECT_TIMEOUT_MILLIS)).isEqualTo(2000);
        assertThat(view.value(Settings.TOUCH_INTERVAL_FRACTION)).isEqualTo(0.1);
        assertThat(view.value(Settings.NAMESPACE)).isEqualTo("configured");
        running[0] = "shop";
        assertThat(view.value(Settings.NAMESPACE)).isEqualTo("shop");
        assertThat(view.value(Settings.USER)).isEqualTo("");
        for (Setting<?> s : Settings.all()) {
            Object v = view.value(s);
            assertThat(s.jmxType()).as(s.name()).isEqualTo(v instanceof Integer ? "int"
                    : v instanceof Double ? "double" : "java.lang.String");
        }
    }

    @Test
    void typedAccessorsAreTheTableValues() {
        SessionStoreConfig c = config(Map.of());
        c.setConnectTimeoutMillis(1234);
        c.setTouchIntervalFraction(0.2);
        c.setNamespace("");
        c.setAllowedClasses(null);
        assertThat(c.get(Settings.CONNECT_TIMEOUT_MILLIS)).isEqualTo(1234);
        assertThat(c.get(Settings.TOUCH_INTERVAL_FRACTION)).isEqualTo(0.2);
        assertThat(c.getNamespace()).isNull();
        assertThat(c.getAllowedClasses()).isEmpty();
        c.set(Settings.KEY_PREFIX, "app:");
        assertThat(c.getKeyPrefix()).isEqualTo("app:");
    }
}
