package io.redissessions.core.connection;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisUriTest {

    private static RedisUri parse(String uri) {
        return RedisUri.parse("uri", uri);
    }

    @Test
    void parsesPlainStandaloneUriWithDefaults() {
        RedisUri u = parse("redis://127.0.0.1:6379");
        assertThat(u.kind()).isEqualTo(RedisUri.Kind.STANDALONE);
        assertThat(u.tls()).isFalse();
        assertThat(u.addresses()).containsExactly(new RedisUri.Address("127.0.0.1", 6379));
        assertThat(u.database()).isZero();
        assertThat(u.user()).isNull();
        assertThat(u.password()).isNull();
    }

    @Test
    void defaultsStandalonePortTo6379() {
        assertThat(parse("redis://redis.example").addresses())
                .containsExactly(new RedisUri.Address("redis.example", 6379));
    }

    @Test
    void parsesUserPasswordAndDatabase() {
        RedisUri u = parse("redis://alice:s3cret@cache.example:6380/3");
        assertThat(u.user()).isEqualTo("alice");
        assertThat(u.password()).isEqualTo("s3cret");
        assertThat(u.addresses()).containsExactly(new RedisUri.Address("cache.example", 6380));
        assertThat(u.database()).isEqualTo(3);
    }

    @Test
    void treatsLoneUserInfoAsPassword() {
        RedisUri u = parse("redis://s3cret@host:6379");
        assertThat(u.user()).isNull();
        assertThat(u.password()).isEqualTo("s3cret");
    }

    @Test
    void decodesPercentEncodedCredentials() {
        RedisUri u = parse("redis://al%3Aice:p%40ss+word@host:6379");
        assertThat(u.user()).isEqualTo("al:ice");
        assertThat(u.password()).isEqualTo("p@ss+word");
    }

    @Test
    void parsesTlsUri() {
        RedisUri u = parse("rediss://localhost:6380/1");
        assertThat(u.kind()).isEqualTo(RedisUri.Kind.STANDALONE);
        assertThat(u.tls()).isTrue();
        assertThat(u.addresses()).containsExactly(new RedisUri.Address("localhost", 6380));
        assertThat(u.database()).isEqualTo(1);
    }

    @Test
    void parsesIpv6Literal() {
        assertThat(parse("redis://[::1]:7000").addresses()).containsExactly(new RedisUri.Address("::1", 7000));
    }

    @Test
    void takesDatabaseAndCredentialsFromQuery() {
        RedisUri u = parse("redis://host:6379?db=4&user=bob&password=pw");
        assertThat(u.database()).isEqualTo(4);
        assertThat(u.user()).isEqualTo("bob");
        assertThat(u.password()).isEqualTo("pw");
    }

    @Test
    void parsesUnixSocketUriWithQuery() {
        RedisUri u = parse("unix:///run/redis/redis.sock?db=2&user=u&password=p");
        assertThat(u.kind()).isEqualTo(RedisUri.Kind.UNIX);
        assertThat(u.socketPath()).isEqualTo("/run/redis/redis.sock");
        assertThat(u.addresses()).isEmpty();
        assertThat(u.database()).isEqualTo(2);
        assertThat(u.user()).isEqualTo("u");
        assertThat(u.password()).isEqualTo("p");
    }

    @Test
    void acceptsLocalhostAuthorityInUnixUri() {
        assertThat(parse("unix://localhost/tmp/redis.sock").socketPath()).isEqualTo("/tmp/redis.sock");
    }

    @Test
    void parsesSentinelUriWithMasterNameAndDatabase() {
        RedisUri u = parse("redis-sentinel://:pw@s1:26379,s2:26380,s3/mymaster/5");
        assertThat(u.kind()).isEqualTo(RedisUri.Kind.SENTINEL);
        assertThat(u.masterName()).isEqualTo("mymaster");
        assertThat(u.database()).isEqualTo(5);
        assertThat(u.password()).isEqualTo("pw");
        assertThat(u.addresses()).containsExactly(new RedisUri.Address("s1", 26379),
                new RedisUri.Address("s2", 26380), new RedisUri.Address("s3", 26379));
    }

    @Test
    void parsesClusterUri() {
        RedisUri u = parse("redis-cluster://a:7000, b:7001,c");
        assertThat(u.kind()).isEqualTo(RedisUri.Kind.CLUSTER);
        assertThat(u.addresses()).containsExactly(new RedisUri.Address("a", 7000),
                new RedisUri.Address("b", 7001), new RedisUri.Address("c", 6379));
        assertThat(u.database()).isZero();
    }

    @Test
    void parsesSentinelAndClusterUrisWithTls() {
        RedisUri sentinel = parse("rediss-sentinel://:pw@s1:26379,s2/mymaster/2");
        assertThat(sentinel.kind()).isEqualTo(RedisUri.Kind.SENTINEL);
        assertThat(sentinel.tls()).isTrue();
        assertThat(sentinel.masterName()).isEqualTo("mymaster");
        assertThat(sentinel.database()).isEqualTo(2);
        assertThat(sentinel.addresses()).containsExactly(new RedisUri.Address("s1", 26379), new RedisUri.Address("s2", 26379));
        RedisUri cluster = parse("REDISS-CLUSTER://a:7000,b");
        assertThat(cluster.kind()).isEqualTo(RedisUri.Kind.CLUSTER);
        assertThat(cluster.tls()).isTrue();
        assertThat(cluster.addresses()).containsExactly(new RedisUri.Address("a", 7000), new RedisUri.Address("b", 6379));
        assertThat(parse("redis-sentinel://s1/m").tls()).isFalse();
        assertThat(parse("redis-cluster://a:7000").tls()).isFalse();
        assertThatThrownBy(() -> parse("rediss-cluster://a:7000/3")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("only database 0");
    }

    @Test
    void masksPasswordWhenShown() {
        RedisUri u = parse("redis://alice:hunter2@host:6379");
        assertThat(u.masked()).isEqualTo("redis://****@host:6379");
        assertThat(u.toString()).doesNotContain("hunter2");
        assertThat(parse("unix:///tmp/r.sock?password=hunter2&db=1").masked())
                .isEqualTo("unix:///tmp/r.sock?password=****&db=1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "redis://u:hunter2@host:notaport        | redis://****@host:notaport        | invalid port",
            "redis://hunter2@host:70000             | redis://****@host:70000             | out of range",
            "u:hunter2@127.0.0.1:6379               | ****@127.0.0.1:6379               | missing scheme",
            "http://u:hunter2@host:80               | http://****@host:80               | unknown scheme",
            "redis://u:hunter2@a:1,b:2              | redis://****@a:1,b:2              | one host:port",
            "redis://u:hunter2@host:6379/abc        | redis://****@host:6379/abc        | database number",
            "redis://u:hunter2@host:6379/1/2        | redis://****@host:6379/1/2        | at most /db",
            "redis://host:6379?password=hunter2&x=1 | redis://host:6379?password=****&x=**** | unknown query parameter",
            "redis-sentinel://u:hunter2@s1:26379    | redis-sentinel://****@s1:26379    | master name is missing",
            "redis-cluster://u:hunter2@a:7000/1     | redis-cluster://****@a:7000/1     | only database 0",
            "unix://relative?password=hunter2       | unix://relative?password=****       | absolute socket path",
            "redis://u:hunter2@[::1:6379            | redis://****@[::1:6379            | unclosed",
            "redis://u:hunter2@:6379                | redis://****@:6379                | invalid host",
    })
    void rejectsMalformedUriNamingTheSettingWithPasswordMasked(String uri, String shown, String why) {
        assertThatThrownBy(() -> parse(uri))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'uri'")
                .hasMessageContaining(shown)
                .hasMessageContaining(why)
                .hasMessageNotContaining("hunter2")
                .satisfies(e -> assertThat(((ConfigurationException) e).setting()).isEqualTo("uri"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "redis://u:hun/ter2@host:notaport | redis://****@host:notaport",
            "redis://u:hun?ter2@host:6379     | redis://****@host:6379",
            "redis://hun/ter2@host:notaport   | redis://****@host:notaport",
            "redis://u:hun%zzter2@host:6379   | redis://****@host:6379",
    })
    void masksPasswordsContainingSlashOrQuestionMark(String uri, String shown) {
        assertThat(RedisUri.maskPassword(uri)).isEqualTo(shown);
        assertThatThrownBy(() -> parse(uri))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(shown)
                .hasMessageNotContaining("ter2");
    }

    // ------------------------------------------------------------ edge cases (issue #10, item 5)

    @Test
    void neverShowsUserInfoWhenAQuestionMarkComesBeforeTheAt() {
        // an unencoded '?' in the password: the text after it is not a query, the text before the
        // '@' is not a host; either way nothing of the user info may appear in the message
        assertThatThrownBy(() -> parse("redis://admin:s3cr?et=x@host:6379"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'uri'")
                .hasMessageContaining("redis://****@host:6379")
                .hasMessageContaining("%3F")
                .hasMessageNotContaining("s3cr").hasMessageNotContaining("et=x").hasMessageNotContaining("admin");
    }

    @Test
    void masksThePasswordOfAPercentEncodedQueryKey() {
        RedisUri u = parse("redis://host:6379?pass%77ord=hunter2&db=2");
        assertThat(u.password()).isEqualTo("hunter2");
        assertThat(u.masked()).doesNotContain("hunter2").contains("db=2");
        assertThat(RedisUri.maskPassword("redis://host:6379?pass%77ord=hunter2")).doesNotContain("hunter2");
        assertThat(RedisUri.maskPassword("redis://host:6379?PASSWORD=hunter2")).doesNotContain("hunter2");
        assertThatThrownBy(() -> parse("redis://host:6379?pass%77ord=hunter2&pasword=hunter3"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown query parameter 'pasword'")
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("hunter3");
    }

    @Test
    void rejectsCredentialsBeforeTheUnixSocketPathInsteadOfDroppingThem() {
        assertThatThrownBy(() -> parse("unix://:hunter2@/tmp/redis.sock"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("?user=")
                .hasMessageContaining("unix://****@/tmp/redis.sock")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> parse("unix://otherhost/tmp/redis.sock"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("otherhost");
    }

    @Test
    void decodesTheZoneIdOfAnIpv6Address() {
        assertThat(parse("redis://[fe80::1%25eth0]:6379").addresses())
                .containsExactly(new RedisUri.Address("fe80::1%eth0", 6379));
        assertThat(parse("redis-cluster://[fe80::1%25eth0]:7000,[::1]:7001").addresses())
                .containsExactly(new RedisUri.Address("fe80::1%eth0", 7000), new RedisUri.Address("::1", 7001));
        assertThatThrownBy(() -> parse("redis://[not-ipv6]:6379")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("IPv6");
        assertThatThrownBy(() -> parse("redis://ho%41st:6379")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("invalid host");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tlsTrustStore", "tlsTrustStorePassword", "tlsKeyStore", "tlsKeyStorePassword"})
    void rejectsTlsSettingsWithAUriWithoutTls(String setting) throws Exception {
        java.nio.file.Path store = java.nio.file.Files.createTempFile("redis-sessions-store", ".p12");
        try {
            SessionStoreConfig c = configWithEnv(Map.of());
            c.setUri("redis://host:6379");
            switch (setting) {
                case "tlsTrustStore" -> c.setTlsTrustStore(store.toString());
                case "tlsTrustStorePassword" -> c.setTlsTrustStorePassword("store-secret");
                case "tlsKeyStore" -> c.setTlsKeyStore(store.toString());
                default -> c.setTlsKeyStorePassword("store-secret");
            }

            assertThatThrownBy(c::validate)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("'" + setting + "'")
                    .hasMessageContaining("rediss://")
                    .hasMessageNotContaining("store-secret")
                    .satisfies(e -> assertThat(((ConfigurationException) e).setting()).isEqualTo(setting));
            c.setUri("unix:///tmp/redis.sock");
            assertThatThrownBy(c::validate).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("'" + setting + "'");
        } finally {
            java.nio.file.Files.delete(store);
        }
    }

    @Test
    void rejectsAStorePasswordWithoutItsStore() {
        SessionStoreConfig c = configWithEnv(Map.of());
        c.setUri("rediss://host:6380");
        c.setTlsKeyStorePassword("store-secret");

        assertThatThrownBy(c::validate).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'tlsKeyStorePassword'").hasMessageContaining("tlsKeyStore")
                .hasMessageNotContaining("store-secret");
    }

    @Test
    void rejectsBlankUri() {
        assertThatThrownBy(() -> parse("  ")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'uri'");
    }

    // ------------------------------------------------------------ through SessionStoreConfig

    private static SessionStoreConfig configWithEnv(Map<String, String> env) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setEnvironment(env::get);
        return c;
    }

    @Test
    void usesDefaultUriWithoutSettingOrEnvironment() {
        RedisUri u = configWithEnv(Map.of()).redisUri();
        assertThat(u.addresses()).containsExactly(new RedisUri.Address("127.0.0.1", 6379));
    }

    @Test
    void takesUriAndPasswordFromEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put(SessionStoreConfig.ENV_URI, "redis-cluster://10.0.0.1:7000,10.0.0.2:7000");
        env.put(SessionStoreConfig.ENV_USER, "app");
        env.put(SessionStoreConfig.ENV_PASSWORD, "from-env-secret");
        SessionStoreConfig c = configWithEnv(env);

        RedisUri u = c.redisUri();

        assertThat(u.kind()).isEqualTo(RedisUri.Kind.CLUSTER);
        assertThat(u.addresses()).hasSize(2);
        assertThat(u.user()).isEqualTo("app");
        assertThat(u.password()).isEqualTo("from-env-secret");
        assertThat(c.describe().get("password")).isEqualTo("****");
        assertThat(c.toString()).doesNotContain("from-env-secret");
    }

    @Test
    void prefersExplicitSettingsOverEnvironment() {
        SessionStoreConfig c = configWithEnv(Map.of(
                SessionStoreConfig.ENV_URI, "redis://env-host:6379",
                SessionStoreConfig.ENV_PASSWORD, "env-password"));
        c.setUri("redis://setting-host:6380");
        c.setPassword("setting-password");

        RedisUri u = c.redisUri();

        assertThat(u.addresses()).containsExactly(new RedisUri.Address("setting-host", 6380));
        assertThat(u.password()).isEqualTo("setting-password");
    }

    @Test
    void reportsMalformedUriFromEnvironmentMasked() {
        SessionStoreConfig c = configWithEnv(Map.of(SessionStoreConfig.ENV_URI, "redis://u:hunter2@host:notaport"));

        assertThatThrownBy(c::validate)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'uri'")
                .hasMessageContaining("redis://****@host:notaport")
                .hasMessageNotContaining("hunter2");
        assertThat(c.describe().get("uri")).isEqualTo("redis://****@host:notaport");
    }

    @Test
    void describesConnectorWithMaskedUri() {
        SessionStoreConfig c = configWithEnv(Map.of());
        c.setUri("redis-sentinel://u:hunter2@127.0.0.1:26379,127.0.0.1:26380/mymaster");
        try (RedisConnector connector = new RedisConnector(c)) {
            assertThat(connector.describe()).isEqualTo("redis-sentinel://****@127.0.0.1:26379,127.0.0.1:26380/mymaster");
            assertThat(connector.toString()).doesNotContain("hunter2");
            assertThat(connector.isCluster()).isFalse();
        }
        c.setUri("redis-cluster://127.0.0.1:7000");
        try (RedisConnector connector = new RedisConnector(c)) {
            assertThat(connector.isCluster()).isTrue();
        }
    }
}
