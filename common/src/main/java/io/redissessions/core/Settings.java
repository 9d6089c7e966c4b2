package io.redissessions.core;

import io.redissessions.core.codec.ClassAllowList;
import io.redissessions.core.codec.ValueCodec;
import io.redissessions.core.connection.RedisUri;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.redissessions.core.SessionStoreConfig.*;

/**
 * The table of every setting, in the order of docs/configuration.md (essentials, frequently used,
 * rarely used). It drives parsing, checking, masking and {@link SessionStoreConfig#describe()}, the
 * Tomcat {@code <Manager>} attributes, the Jetty factory, both JMX views; tests hold the
 * jetty-home module files, the Tomcat MBean descriptor and the docs against it.
 *
 * <p>Adding a setting: one line here, and the code that uses its value
 * ({@code config.get(Settings.X)}). See "Adding a setting" in docs/configuration.md.
 */
public final class Settings {

    private static final List<Setting<?>> ALL = new ArrayList<>();

    // ---------------------------------------------------------------- essentials

    public static final Setting<String> URI = add(Setting.text("uri", DEFAULT_URI)
            .environment(ENV_URI).maskedBy(RedisUri::maskPassword)
            .checkedBy((s, v) -> RedisUri.parse(s.name(), v))
            .description("Which Redis: redis://, rediss://, unix://, redis-sentinel://, rediss-sentinel://, redis-cluster://, rediss-cluster:// (user info masked)"));
    public static final Setting<String> PASSWORD = add(Setting.text("password", null)
            .secret().environment(ENV_PASSWORD)
            .description("Password (AUTH); overrides the URI's; never logged"));
    public static final Setting<String> USER = add(Setting.text("user", null)
            .environment(ENV_USER)
            .description("ACL user name; overrides the URI's"));
    public static final Setting<String> ALLOWED_CLASSES = add(Setting.text("allowedClasses", "")
            .checkedBy((s, v) -> ClassAllowList.parse(s.name(), v))
            .description("Classes and packages (com.acme.*) that may be stored besides the built-in value types"));
    public static final Setting<String> NAMESPACE = add(Setting.text("namespace", null)
            .checkedBy((s, v) -> checkNamespace(v))
            .description("Which sessions this webapp shares (default: from the context path)"));

    // ---------------------------------------------------------------- frequently used

    public static final Setting<String> CODEC = add(Setting.text("codec", DEFAULT_CODEC)
            .oneOf("json", "java")
            .description("Attribute codec: json or java"));
    public static final Setting<String> FAILURE_MODE = add(Setting.text("failureMode", "fail")
            .oneOf("fail", "local")
            .description("While Redis cannot be reached: fail (503) or local (node-local sessions)"));
    public static final Setting<Integer> CONNECT_TIMEOUT_MILLIS = add(
            Setting.wholeNumber("connectTimeoutMillis", DEFAULT_CONNECT_TIMEOUT_MILLIS)
            .unit("ms").range(1, 600_000)
            .description("Time to open a connection"));
    public static final Setting<Integer> SOCKET_TIMEOUT_MILLIS = add(
            Setting.wholeNumber("socketTimeoutMillis", DEFAULT_SOCKET_TIMEOUT_MILLIS)
            .unit("ms").range(1, 600_000)
            .description("Time to wait for an answer from Redis"));
    public static final Setting<Integer> POOL_MAX_TOTAL = add(Setting.wholeNumber("poolMaxTotal", DEFAULT_POOL_MAX_TOTAL)
            .unit("connections").range(1, 10_000)
            .description("Most pooled connections"));
    public static final Setting<Integer> POOL_MAX_WAIT_MILLIS = add(
            Setting.wholeNumber("poolMaxWaitMillis", DEFAULT_POOL_MAX_WAIT_MILLIS)
            .unit("ms").range(1, 600_000)
            .description("Longest wait for a pooled connection"));
    public static final Setting<Integer> OPERATION_TIMEOUT_MILLIS = add(
            Setting.wholeNumber("operationTimeoutMillis", DEFAULT_OPERATION_TIMEOUT_MILLIS)
            .unit("ms").range(0, 1_800_000)
            .description("Longest one Redis operation may take across all its attempts (0: one whole attempt)"));
    public static final Setting<Integer> SAVE_REPLICAS = add(Setting.wholeNumber("saveReplicas", DEFAULT_SAVE_REPLICAS)
            .unit("replicas").range(0, 1000)
            .description("A save waits until this many replicas have it (WAIT, same round trip); 0 = does not wait"));
    public static final Setting<Integer> SAVE_REPLICAS_TIMEOUT_MILLIS = add(
            Setting.wholeNumber("saveReplicasTimeoutMillis", DEFAULT_SAVE_REPLICAS_TIMEOUT_MILLIS)
            .unit("ms").range(1, 600_000)
            .description("Longest a save waits for saveReplicas replicas; then it gets the failure answer"));
    public static final Setting<Double> TOUCH_INTERVAL_FRACTION = add(
            Setting.number("touchIntervalFraction", DEFAULT_TOUCH_INTERVAL_FRACTION)
            .unit("fraction of the max inactive interval")
            .rule(f -> f >= 0.0 && f <= MAX_TOUCH_INTERVAL_FRACTION,
                    "a fraction of the max inactive interval from 0.0 to " + MAX_TOUCH_INTERVAL_FRACTION)
            .description("A request that changes nothing writes its access time only when the stored one is older"));
    public static final Setting<Integer> EXPIRY_GRACE_SECONDS = add(
            Setting.wholeNumber("expiryGraceSeconds", DEFAULT_EXPIRY_GRACE_SECONDS)
            .unit("s").range(1, 30 * 24 * 3600)
            .description("How long expired session data stays readable for the sessionDestroyed listeners"));
    public static final Setting<String> LOCKING_MODE = add(Setting.text("lockingMode", LockingMode.NONE)
            .checkedBy((s, v) -> LockingMode.parse(s.name(), v))
            .description("Which requests hold their session's lock from load to save: none, all or uriPattern:<regex>"));
    public static final Setting<String> NEAR_CACHE = add(Setting.text("nearCache", "off")
            .oneOf("off", "on")
            .description("on: keep recently served sessions on the node and load only what changed (validated by #v at every load)"));

    // ---------------------------------------------------------------- rarely used

    public static final Setting<Integer> EXPIRY_CLAIM_LEASE_SECONDS = add(
            Setting.wholeNumber("expiryClaimLeaseSeconds", DEFAULT_EXPIRY_CLAIM_LEASE_SECONDS)
            .unit("s").range(1, 24 * 3600)
            .description("How long a node holds its claim on an expired session while its listeners run"));

    public static final Setting<Integer> LOCK_WAIT_MILLIS = add(
            Setting.wholeNumber("lockWaitMillis", DEFAULT_LOCK_WAIT_MILLIS)
            .unit("ms").range(0, 600_000)
            .description("How long a request waits for its session's lock (lockingMode); then it is answered 503"));
    public static final Setting<Integer> LOCK_LEASE_MILLIS = add(
            Setting.wholeNumber("lockLeaseMillis", DEFAULT_LOCK_LEASE_MILLIS)
            .unit("ms").range(1_000, 3_600_000)
            .description("Expiry of a session's lock in Redis, renewed while its request runs: the longest a dead node blocks a session"));
    public static final Setting<Integer> NEAR_CACHE_MAX_SESSIONS = add(
            Setting.wholeNumber("nearCacheMaxSessions", DEFAULT_NEAR_CACHE_MAX_SESSIONS)
            .unit("sessions").range(1, 10_000_000)
            .description("Most sessions the near cache keeps"));
    public static final Setting<Integer> NEAR_CACHE_MAX_BYTES = add(
            Setting.wholeNumber("nearCacheMaxBytes", DEFAULT_NEAR_CACHE_MAX_BYTES)
            .unit("bytes").range(1024, Integer.MAX_VALUE)
            .description("Most bytes of stored session data the near cache keeps"));

    public static final Setting<String> KEY_PREFIX = add(Setting.text("keyPrefix", DEFAULT_KEY_PREFIX)
            .rule(p -> p.indexOf('{') < 0 && p.indexOf('}') < 0, "any text without '{' or '}', e.g. 'rs:'")
            .description("Prefix of every Redis key"));
    public static final Setting<String> NODE_ID = add(Setting.text("nodeId", null)
            .rule(id -> !id.isBlank() && id.length() <= 200, "a non-blank name of at most 200 characters")
            .description("This node's id, written with every save"));
    public static final Setting<String> CLIENT_NAME = add(Setting.text("clientName", DEFAULT_CLIENT_NAME)
            .rule(n -> n.isEmpty() || n.matches("[!-~]+"), "printable ASCII without spaces")
            .description("CLIENT SETNAME of every connection"));
    public static final Setting<Integer> COMPRESSION_THRESHOLD_BYTES = add(
            Setting.wholeNumber("compressionThresholdBytes", DEFAULT_COMPRESSION_THRESHOLD_BYTES)
            .unit("bytes").range(0, Integer.MAX_VALUE)
            .description("Values at least this large are compressed (0 = never)"));
    public static final Setting<String> READ_CODECS = add(Setting.text("readCodecs", null)
            .checkedBy((s, v) -> ValueCodec.parseReadCodecs(v))
            .description("Codecs whose values this node decodes (default: the codec setting's only); json,java while"
                    + " moving from one codec to the other"));
    public static final Setting<String> SIGNING_KEY = add(Setting.text("signingKey", null)
            .secret().environment(ENV_SIGNING_KEY)
            .rule(k -> k.getBytes(StandardCharsets.UTF_8).length >= MIN_SIGNING_KEY_BYTES,
                    "at least " + MIN_SIGNING_KEY_BYTES + " bytes; use a long random secret")
            .description("HMAC-SHA256 key that signs every stored attribute value and container extra, bound to"
                    + " its field, session and namespace"));
    public static final Setting<String> LEGACY_SIGNATURES = add(Setting.text("legacySignatures", "reject")
            .oneOf("reject", "accept")
            .description("With a signingKey: reject (default) or, only while upgrading, accept values signed the"
                    + " unbound way and unsigned container extras of earlier releases (re-signed at the next save)"));
    public static final Setting<String> TLS_TRUST_STORE = add(Setting.text("tlsTrustStore", null)
            .unit("path").rule(Settings::isFile, "a readable PKCS12 or JKS file")
            .description("PKCS12/JKS trust store for rediss://, rediss-sentinel://, rediss-cluster://"));
    public static final Setting<String> TLS_TRUST_STORE_PASSWORD = add(Setting.text("tlsTrustStorePassword", null)
            .secret()
            .description("Password of the trust store"));
    public static final Setting<String> TLS_KEY_STORE = add(Setting.text("tlsKeyStore", null)
            .unit("path").rule(Settings::isFile, "a readable PKCS12 or JKS file")
            .description("PKCS12/JKS key store with a client certificate for rediss://, rediss-sentinel://, rediss-cluster://"));
    public static final Setting<String> TLS_KEY_STORE_PASSWORD = add(Setting.text("tlsKeyStorePassword", null)
            .secret()
            .description("Password of the key store"));

    private static final Map<String, Setting<?>> BY_NAME = Collections.unmodifiableMap(ALL.stream()
            .collect(Collectors.toMap(Setting::name, Function.identity(), (a, b) -> {
                throw new IllegalStateException("two settings named " + a.name());
            }, java.util.LinkedHashMap::new)));

    private Settings() {
    }

    private static <T> Setting<T> add(Setting<T> setting) {
        ALL.add(setting);
        return setting;
    }

    private static boolean isFile(String path) {
        return new File(path).isFile();
    }

    /** Every setting, in the order of the docs. */
    public static List<Setting<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The setting of that name, or null. */
    public static Setting<?> find(String name) {
        return BY_NAME.get(name);
    }

    /**
     * The setting of that name.
     *
     * @throws IllegalArgumentException if there is none (the message lists them; it never shows a value)
     */
    public static Setting<?> named(String name) {
        Setting<?> s = find(name);
        if (s == null) {
            throw new IllegalArgumentException("redis-sessions: there is no setting '" + name + "'; the settings are "
                    + BY_NAME.keySet());
        }
        return s;
    }
}
