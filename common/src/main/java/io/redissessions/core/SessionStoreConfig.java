package io.redissessions.core;

import io.redissessions.core.codec.ClassAllowList;
import io.redissessions.core.connection.RedisUri;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The values of the store's settings. Each setting is declared once, in {@link Settings}, with
 * the name that both adapters expose unchanged (Tomcat {@code context.xml} attributes, Jetty
 * setters and {@code jetty.session.redis.*} properties); the typed getters and setters here are a
 * convenience over {@link #get(Setting)} and {@link #set(Setting, Object)}.
 *
 * <p>Setters only record values; {@link #validate()} checks them all when the container starts
 * and fails with the setting's name and the offending value (secrets masked). Settings that hold
 * secrets, and the URI, may instead come from environment variables so that they stay out of
 * configuration files: {@value #ENV_URI}, {@value #ENV_USER}, {@value #ENV_PASSWORD},
 * {@value #ENV_SIGNING_KEY}. A value set explicitly wins over the environment, which wins over
 * the URI's user info.
 */
public final class SessionStoreConfig {

    public static final String ENV_URI = "REDIS_SESSIONS_URI";
    public static final String ENV_USER = "REDIS_SESSIONS_USER";
    public static final String ENV_PASSWORD = "REDIS_SESSIONS_PASSWORD";
    public static final String ENV_SIGNING_KEY = "REDIS_SESSIONS_SIGNING_KEY";

    public static final String DEFAULT_URI = "redis://127.0.0.1:6379";
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 2000;
    public static final int DEFAULT_SOCKET_TIMEOUT_MILLIS = 2000;
    public static final int DEFAULT_POOL_MAX_TOTAL = 16;
    public static final int DEFAULT_POOL_MAX_WAIT_MILLIS = 2000;
    /** 0: derived from the other timeouts, see {@link #effectiveOperationTimeoutMillis()}. */
    public static final int DEFAULT_OPERATION_TIMEOUT_MILLIS = 0;
    /** 0: a save does not wait for replicas. */
    public static final int DEFAULT_SAVE_REPLICAS = 0;
    public static final int DEFAULT_SAVE_REPLICAS_TIMEOUT_MILLIS = 1000;
    public static final String DEFAULT_CLIENT_NAME = "redis-sessions";
    public static final String DEFAULT_KEY_PREFIX = "rs:";
    public static final int DEFAULT_EXPIRY_GRACE_SECONDS = 1800;
    public static final int DEFAULT_EXPIRY_CLAIM_LEASE_SECONDS = 300;
    public static final double DEFAULT_TOUCH_INTERVAL_FRACTION = 0.1;
    public static final double MAX_TOUCH_INTERVAL_FRACTION = 0.5;
    public static final String DEFAULT_CODEC = "json";
    public static final int DEFAULT_COMPRESSION_THRESHOLD_BYTES = 0;
    public static final int MIN_SIGNING_KEY_BYTES = 16;
    public static final int DEFAULT_LOCK_WAIT_MILLIS = 10_000;
    public static final int DEFAULT_LOCK_LEASE_MILLIS = 5_000;
    public static final int DEFAULT_NEAR_CACHE_MAX_SESSIONS = 10_000;
    public static final int DEFAULT_NEAR_CACHE_MAX_BYTES = 64 * 1024 * 1024;

    /** The values given explicitly; a setting without one has its default. */
    private final Map<Setting<?>, Object> values = new ConcurrentHashMap<>();
    private Function<String, String> environment = System::getenv;

    // ---------------------------------------------------------------- generic access

    /** The value given for {@code setting}, else its default (null if it has none); no environment. */
    public <T> T get(Setting<T> setting) {
        Object v = values.get(setting);
        return v != null ? setting.type().javaType().cast(v) : setting.defaultValue();
    }

    /** Gives {@code setting} a value; null (or an empty text where that means "not set") removes it. */
    public <T> void set(Setting<T> setting, T value) {
        T v = setting.normalize(value);
        if (v == null) {
            values.remove(setting);
        } else {
            values.put(setting, v);
        }
    }

    /**
     * Gives the setting of that name the value of {@code text}, as it comes from a configuration
     * file; null removes it.
     *
     * @throws ConfigurationException naming the setting and the text (masked) if it does not parse
     * @throws IllegalArgumentException if no setting has that name
     */
    public void set(String name, String text) {
        setText(Settings.named(name), text);
    }

    private <T> void setText(Setting<T> setting, String text) {
        set(setting, setting.parse(text));
    }

    /** Whether {@code setting} was given a value (the environment does not count). */
    public boolean isSet(Setting<?> setting) {
        return values.containsKey(setting);
    }

    /**
     * The value in effect: the one given, else the setting's environment variable (when it has
     * one and it is not empty), else the default.
     *
     * @throws ConfigurationException if the environment variable's text does not parse
     */
    public <T> T effective(Setting<T> setting) {
        Object v = values.get(setting);
        if (v != null) {
            return setting.type().javaType().cast(v);
        }
        if (setting.environmentVariable() != null) {
            T fromEnvironment = setting.parse(environment.apply(setting.environmentVariable()));
            if (fromEnvironment != null) {
                return fromEnvironment;
            }
        }
        return setting.defaultValue();
    }

    /** A copy with the same values and environment: each Jetty context's store owns its own. */
    public SessionStoreConfig copy() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.values.putAll(values);
        c.environment = environment;
        return c;
    }

    // ---------------------------------------------------------------- validation

    /**
     * Checks every setting as it is in effect; throws {@link ConfigurationException} naming the
     * first bad one. Call it when the container starts, before the first connection.
     */
    public void validate() {
        for (Setting<?> s : Settings.all()) {
            checkEffective(s);
        }
        checkOperationTimeout();
        checkTlsSettingsApply(redisUri());
    }

    /**
     * The bound of an operation must leave room for getting a connection and a reply, and for the
     * replicas' wait of a save when saves wait for replicas.
     */
    private void checkOperationTimeout() {
        int operationTimeoutMillis = getOperationTimeoutMillis();
        if (operationTimeoutMillis != 0 && operationTimeoutMillis <= connectionWaitMillis() + replicasWaitMillis()) {
            String replicas = replicasWaitMillis() == 0 ? ""
                    : " + saveReplicasTimeoutMillis (saveReplicas=" + getSaveReplicas() + ")";
            throw new ConfigurationException(Settings.OPERATION_TIMEOUT_MILLIS.name(), operationTimeoutMillis,
                    "0 for the default, or more than the longest wait for a connection, max(poolMaxWaitMillis, "
                            + "connectTimeoutMillis + socketTimeoutMillis)" + replicas + " = "
                            + (connectionWaitMillis() + replicasWaitMillis()));
        }
    }

    /** How long a save may wait for replicas on top of its reply: 0 unless saveReplicas is set. */
    private int replicasWaitMillis() {
        return getSaveReplicas() > 0 ? getSaveReplicasTimeoutMillis() : 0;
    }

    /** TLS settings without TLS, or a store password without its store, would be ignored: refused. */
    private void checkTlsSettingsApply(RedisUri parsedUri) {
        for (Setting<String> s : java.util.List.of(Settings.TLS_TRUST_STORE, Settings.TLS_TRUST_STORE_PASSWORD,
                Settings.TLS_KEY_STORE, Settings.TLS_KEY_STORE_PASSWORD)) {
            if (get(s) != null && !parsedUri.tls()) {
                throw new ConfigurationException(s.name(), shownText(s), "applies only to TLS connections (rediss://,"
                        + " rediss-sentinel://, rediss-cluster://), but the uri is " + parsedUri.masked()
                        + "; remove the setting or use a TLS uri");
            }
        }
        if (get(Settings.TLS_TRUST_STORE_PASSWORD) != null && get(Settings.TLS_TRUST_STORE) == null) {
            throw new ConfigurationException(Settings.TLS_TRUST_STORE_PASSWORD.name(), "****", "set only with tlsTrustStore");
        }
        if (get(Settings.TLS_KEY_STORE_PASSWORD) != null && get(Settings.TLS_KEY_STORE) == null) {
            throw new ConfigurationException(Settings.TLS_KEY_STORE_PASSWORD.name(), "****", "set only with tlsKeyStore");
        }
    }

    private <T> void checkEffective(Setting<T> setting) {
        setting.check(effective(setting));
    }

    /** Namespaces become part of every key: no braces, colons or whitespace. */
    public static String checkNamespace(String namespace) {
        if (namespace.isEmpty() || !namespace.matches("[^{}:\\s]{1,200}")) {
            throw new ConfigurationException("namespace", namespace,
                    "1 to 200 characters without '{', '}', ':' or whitespace");
        }
        return namespace;
    }

    /**
     * The default namespace of a webapp served on every host (or on the default host): see
     * {@link #defaultNamespace(String, Collection)}.
     */
    public static String namespaceForContextPath(String contextPath) {
        return defaultNamespace(contextPath, List.of());
    }

    /**
     * The default namespace of a webapp, when the {@code namespace} setting is not given: its
     * context path without the leading slash, nested paths joined with '#' (Tomcat's own
     * convention for file names), {@code ROOT} for "/"; then, when the webapp is tied to hosts
     * (a Tomcat {@code <Host>} other than the default one, Jetty's virtual hosts), '@' and the
     * host names, lower case, sorted, separated by ','. Characters a key cannot hold or that the
     * form itself uses ({@code % # @ , { } :}, white space and control characters) are written
     * as {@code %XX} (their UTF-8 bytes), and the path "/ROOT" as {@code %52OOT}, so that
     * different paths and hosts give different namespaces. Examples: {@code ROOT}, {@code shop},
     * {@code a#b} (for /a/b), {@code a%3Ab} (for /a:b), {@code ROOT@tenant-a.example}.
     */
    public static String defaultNamespace(String contextPath, Collection<String> hosts) {
        String path = contextPath == null ? "" : contextPath.startsWith("/") ? contextPath.substring(1) : contextPath;
        String namespace;
        if (path.isEmpty()) {
            namespace = "ROOT";
        } else {
            String[] segments = path.split("/", -1);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < segments.length; i++) {
                b.append(i == 0 ? "" : "#").append(escaped(segments[i]));
            }
            namespace = b.toString().equals("ROOT") ? "%52OOT" : b.toString();
        }
        if (hosts != null && !hosts.isEmpty()) {
            namespace += "@" + String.join(",", new TreeSet<>(hosts.stream()
                    .map(h -> escaped(h.toLowerCase(Locale.ROOT))).toList()));
        }
        return namespace;
    }

    private static String escaped(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == '%' || cp == '#' || cp == '@' || cp == ',' || cp == '{' || cp == '}' || cp == ':'
                    || Character.isWhitespace(cp) || Character.isISOControl(cp) || Character.isSpaceChar(cp)) {
                for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    b.append('%').append(String.format("%02X", x & 0xff));
                }
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }

    // ---------------------------------------------------------------- resolved values

    /** The parsed URI, with user and password from the settings or the environment applied. */
    public RedisUri redisUri() {
        RedisUri parsed = RedisUri.parse(Settings.URI.name(), effectiveUri());
        return parsed.withCredentials(effective(Settings.USER), effective(Settings.PASSWORD));
    }

    /**
     * The longest getting a connection may take: a free pooled one ({@code poolMaxWaitMillis}) or a
     * new one (connect, then the first reply of its handshake).
     */
    public int connectionWaitMillis() {
        return Math.max(getPoolMaxWaitMillis(), getConnectTimeoutMillis() + getSocketTimeoutMillis());
    }

    /**
     * The bound of one store operation across all its attempts: the setting, or by default room
     * for one whole attempt, {@link #connectionWaitMillis()} + {@code socketTimeoutMillis}
     * (6000 ms with the default timeouts), + {@code saveReplicasTimeoutMillis} when saves wait for
     * replicas.
     */
    public int effectiveOperationTimeoutMillis() {
        int set = getOperationTimeoutMillis();
        return set != 0 ? set : connectionWaitMillis() + getSocketTimeoutMillis() + replicasWaitMillis();
    }

    public String effectiveUri() {
        return effective(Settings.URI);
    }

    public String effectiveSigningKey() {
        return effective(Settings.SIGNING_KEY);
    }

    /** Whether {@code legacySignatures=accept}: values signed the unbound way and unsigned extras are read. */
    public boolean acceptsLegacySignatures() {
        return get(Settings.LEGACY_SIGNATURES).trim().equalsIgnoreCase("accept");
    }

    /** {@code json} or {@code java}. */
    public String codecName() {
        Settings.CODEC.check(getCodec());
        return getCodec().trim().toLowerCase(Locale.ROOT);
    }

    public ClassAllowList allowList() {
        return ClassAllowList.parse(Settings.ALLOWED_CLASSES.name(), getAllowedClasses());
    }

    public FailureMode failureModeValue() {
        return FailureMode.parse(Settings.FAILURE_MODE.name(), getFailureMode());
    }

    public LockingMode lockingModeValue() {
        return LockingMode.parse(Settings.LOCKING_MODE.name(), get(Settings.LOCKING_MODE));
    }

    /** Whether the near cache is on ({@code nearCache=on}). */
    public boolean nearCacheOn() {
        Settings.NEAR_CACHE.check(get(Settings.NEAR_CACHE));
        return get(Settings.NEAR_CACHE).trim().equalsIgnoreCase("on");
    }

    /** The node id written with every save: the setting, else host name and process id. */
    public String effectiveNodeId() {
        String nodeId = getNodeId();
        if (nodeId != null) {
            return nodeId;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        return host + "/" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    /** Every setting as it is in effect, as a user would print it: every secret masked. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting<?> s : Settings.all()) {
            m.put(s.name(), shownText(s));
        }
        return m;
    }

    /** The value in effect of {@code setting} as it may be shown (secrets masked); never throws. */
    public String shownText(Setting<?> setting) {
        return setting.shown(shownEffective(setting));
    }

    /** The value in effect of {@code setting} as JMX shows it: secrets masked, numbers as numbers. */
    public Object shownValue(Setting<?> setting) {
        return shownValueOf(setting, shownEffective(setting));
    }

    private static <T> Object shownValueOf(Setting<T> setting, Object value) {
        return value instanceof String text && setting.type().javaType() != String.class
                ? setting.shown(text) : setting.shownValue(setting.type().javaType().cast(value));
    }

    /** The effective value, or the environment's raw text when that does not parse. */
    private Object shownEffective(Setting<?> setting) {
        try {
            return effective(setting);
        } catch (ConfigurationException e) {
            return environment.apply(setting.environmentVariable());
        }
    }

    @Override
    public String toString() {
        return "SessionStoreConfig" + describe();
    }

    // ---------------------------------------------------------------- getters and setters

    public String getUri() { return get(Settings.URI); }
    public void setUri(String uri) { set(Settings.URI, uri); }
    public String getUser() { return get(Settings.USER); }
    public void setUser(String user) { set(Settings.USER, user); }
    public String getPassword() { return get(Settings.PASSWORD); }
    public void setPassword(String password) { set(Settings.PASSWORD, password); }
    public int getConnectTimeoutMillis() { return get(Settings.CONNECT_TIMEOUT_MILLIS); }
    public void setConnectTimeoutMillis(int v) { set(Settings.CONNECT_TIMEOUT_MILLIS, v); }
    public int getSocketTimeoutMillis() { return get(Settings.SOCKET_TIMEOUT_MILLIS); }
    public void setSocketTimeoutMillis(int v) { set(Settings.SOCKET_TIMEOUT_MILLIS, v); }
    public int getPoolMaxTotal() { return get(Settings.POOL_MAX_TOTAL); }
    public void setPoolMaxTotal(int v) { set(Settings.POOL_MAX_TOTAL, v); }
    public int getPoolMaxWaitMillis() { return get(Settings.POOL_MAX_WAIT_MILLIS); }
    public void setPoolMaxWaitMillis(int v) { set(Settings.POOL_MAX_WAIT_MILLIS, v); }
    public int getOperationTimeoutMillis() { return get(Settings.OPERATION_TIMEOUT_MILLIS); }
    public void setOperationTimeoutMillis(int v) { set(Settings.OPERATION_TIMEOUT_MILLIS, v); }
    public int getSaveReplicas() { return get(Settings.SAVE_REPLICAS); }
    public void setSaveReplicas(int v) { set(Settings.SAVE_REPLICAS, v); }
    public int getSaveReplicasTimeoutMillis() { return get(Settings.SAVE_REPLICAS_TIMEOUT_MILLIS); }
    public void setSaveReplicasTimeoutMillis(int v) { set(Settings.SAVE_REPLICAS_TIMEOUT_MILLIS, v); }
    public String getClientName() { return get(Settings.CLIENT_NAME); }
    public void setClientName(String clientName) { set(Settings.CLIENT_NAME, clientName); }
    public String getTlsTrustStore() { return get(Settings.TLS_TRUST_STORE); }
    public void setTlsTrustStore(String v) { set(Settings.TLS_TRUST_STORE, v); }
    public String getTlsTrustStorePassword() { return get(Settings.TLS_TRUST_STORE_PASSWORD); }
    public void setTlsTrustStorePassword(String v) { set(Settings.TLS_TRUST_STORE_PASSWORD, v); }
    public String getTlsKeyStore() { return get(Settings.TLS_KEY_STORE); }
    public void setTlsKeyStore(String v) { set(Settings.TLS_KEY_STORE, v); }
    public String getTlsKeyStorePassword() { return get(Settings.TLS_KEY_STORE_PASSWORD); }
    public void setTlsKeyStorePassword(String v) { set(Settings.TLS_KEY_STORE_PASSWORD, v); }
    public String getKeyPrefix() { return get(Settings.KEY_PREFIX); }
    public void setKeyPrefix(String keyPrefix) { set(Settings.KEY_PREFIX, keyPrefix); }
    public String getNamespace() { return get(Settings.NAMESPACE); }
    public void setNamespace(String namespace) { set(Settings.NAMESPACE, namespace); }
    public String getNodeId() { return get(Settings.NODE_ID); }
    public void setNodeId(String nodeId) { set(Settings.NODE_ID, nodeId); }
    public int getExpiryGraceSeconds() { return get(Settings.EXPIRY_GRACE_SECONDS); }
    public void setExpiryGraceSeconds(int v) { set(Settings.EXPIRY_GRACE_SECONDS, v); }
    public int getExpiryClaimLeaseSeconds() { return get(Settings.EXPIRY_CLAIM_LEASE_SECONDS); }
    public void setExpiryClaimLeaseSeconds(int v) { set(Settings.EXPIRY_CLAIM_LEASE_SECONDS, v); }
    public double getTouchIntervalFraction() { return get(Settings.TOUCH_INTERVAL_FRACTION); }
    public void setTouchIntervalFraction(double v) { set(Settings.TOUCH_INTERVAL_FRACTION, v); }
    public String getCodec() { return get(Settings.CODEC); }
    public void setCodec(String codec) { set(Settings.CODEC, codec); }
    public String getAllowedClasses() { return get(Settings.ALLOWED_CLASSES); }
    public void setAllowedClasses(String allowedClasses) { set(Settings.ALLOWED_CLASSES, allowedClasses); }
    public int getCompressionThresholdBytes() { return get(Settings.COMPRESSION_THRESHOLD_BYTES); }
    public void setCompressionThresholdBytes(int v) { set(Settings.COMPRESSION_THRESHOLD_BYTES, v); }
    public String getSigningKey() { return get(Settings.SIGNING_KEY); }
    public void setSigningKey(String signingKey) { set(Settings.SIGNING_KEY, signingKey); }
    public String getFailureMode() { return get(Settings.FAILURE_MODE); }
    public void setFailureMode(String failureMode) { set(Settings.FAILURE_MODE, failureMode); }

    /** Where environment variables are read from; tests pass a map instead of the process env. */
    public void setEnvironment(Function<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }
}
