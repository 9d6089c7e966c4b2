package io.redissessions.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SessionStoreConfigTest {

    private static SessionStoreConfig config() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setEnvironment(Map.<String, String>of()::get);
        return c;
    }

    @Test
    void acceptsTheDefaults() {
        assertThatCode(() -> config().validate()).doesNotThrowAnyException();
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                bad("uri", "redis://host:notaport", c -> c.setUri("redis://host:notaport")),
                bad("connectTimeoutMillis", "0", c -> c.setConnectTimeoutMillis(0)),
                bad("socketTimeoutMillis", "-5", c -> c.setSocketTimeoutMillis(-5)),
                bad("poolMaxTotal", "0", c -> c.setPoolMaxTotal(0)),
                bad("poolMaxWaitMillis", "0", c -> c.setPoolMaxWaitMillis(0)),
                bad("clientName", "my app", c -> c.setClientName("my app")),
                bad("keyPrefix", "rs{x}:", c -> c.setKeyPrefix("rs{x}:")),
                bad("namespace", "shop:eu", c -> c.setNamespace("shop:eu")),
                bad("nodeId", "   ", c -> c.setNodeId("   ")),
                bad("expiryGraceSeconds", "0", c -> c.setExpiryGraceSeconds(0)),
                bad("expiryClaimLeaseSeconds", "0", c -> c.setExpiryClaimLeaseSeconds(0)),
                bad("expiryClaimLeaseSeconds", "86401", c -> c.setExpiryClaimLeaseSeconds(86401)),
                bad("touchIntervalFraction", "0.9", c -> c.setTouchIntervalFraction(0.9)),
                bad("codec", "xml", c -> c.setCodec("xml")),
                bad("allowedClasses", "com.example.*x", c -> c.setAllowedClasses("com.example.*x")),
                bad("compressionThresholdBytes", "-1", c -> c.setCompressionThresholdBytes(-1)),
                bad("failureMode", "explode", c -> c.setFailureMode("explode")),
                bad("tlsTrustStore", "/nonexistent/trust.p12", c -> c.setTlsTrustStore("/nonexistent/trust.p12")),
                bad("tlsKeyStore", "/nonexistent/key.p12", c -> c.setTlsKeyStore("/nonexistent/key.p12")));
    }

    private static Arguments bad(String setting, String value, Consumer<SessionStoreConfig> change) {
        return arguments(setting, value, change);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badSettings")
    void rejectsBadSettingNamingItAndItsValue(String setting, String value, Consumer<SessionStoreConfig> change) {
        SessionStoreConfig c = config();
        change.accept(c);

        assertThatThrownBy(c::validate)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'" + setting + "'")
                .hasMessageContaining("'" + value + "'")
                .satisfies(e -> assertThat(((ConfigurationException) e).setting()).isEqualTo(setting));
    }

    @Test
    void rejectsShortSigningKeyWithoutShowingIt() {
        SessionStoreConfig c = config();
        c.setSigningKey("tooShortKey");

        assertThatThrownBy(c::validate)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'signingKey'")
                .hasMessageContaining("'****'")
                .hasMessageNotContaining("tooShortKey");
    }

    @Test
    void describesSettingsWithSecretsMasked() {
        SessionStoreConfig c = config();
        c.setUri("redis://app:hunter2@cache:6379");
        c.setSigningKey("a-very-long-signing-key-0123456789");
        c.setTlsTrustStorePassword("trust-secret");

        Map<String, String> shown = c.describe();

        assertThat(shown.get("uri")).isEqualTo("redis://****@cache:6379");
        assertThat(shown.get("signingKey")).isEqualTo("****");
        assertThat(c.toString()).doesNotContain("hunter2", "a-very-long-signing-key", "trust-secret");
    }
}
