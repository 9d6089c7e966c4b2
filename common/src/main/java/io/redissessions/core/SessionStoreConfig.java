package io.redissessions.core;

import io.redissessions.core.codec.ClassAllowList;
import io.redissessions.core.connection.RedisUri;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Every setting of the store, with the names that both adapters expose unchanged (Tomcat
 * {@code context.xml} attributes, Jetty setters and {@code jetty.session.redis.*} properties).
 *
 * <p>Setters only record values; {@link #validate()} checks them all when the container starts
 * and fails with the setting's name and the offending value (secrets masked). Settings that hold
 * secrets, and the URI, may instead come from environment variables so that they stay out of
 * configuration files: {@value #ENV_URI}, {@value #ENV_USER}, {@value #ENV_PASSWORD},
 * {@value #ENV_SIGNING_KEY}. A value set explicitly wins over the environment.
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
    public static final String DEFAULT_CLIENT_NAME = "redis-sessions";
    public static final String DEFAULT_KEY_PREFIX = "rs:";
    public static final int DEFAULT_EXPIRY_GRACE_SECONDS = 1800;
    public static final double DEFAULT_TOUCH_INTERVAL_FRACTION = 0.1;
    public static final double MAX_TOUCH_INTERVAL_FRACTION = 0.5;
    public static final String DEFAULT_CODEC = "json";
    public static final int DEFAULT_COMPRESSION_THRESHOLD_BYTES = 0;
    public static final int MIN_SIGNING_KEY_BYTES = 16;

    private String uri;
    private String user;
    private String password;
    private int connectTimeoutMillis = DEFAULT_CONNECT_TIMEOUT_MILLIS;
    private int socketTimeoutMillis = DEFAULT_SOCKET_TIMEOUT_MILLIS;
    private int poolMaxTotal = DEFAULT_POOL_MAX_TOTAL;
    private int poolMaxWaitMillis = DEFAULT_POOL_MAX_WAIT_MILLIS;
    private int operationTimeoutMillis = DEFAULT_OPERATION_TIMEOUT_MILLIS;
    private String clientName = DEFAULT_CLIENT_NAME;
    private String tlsTrustStore;
    private String tlsTrustStorePassword;
    private String tlsKeyStore;
    private String tlsKeyStorePassword;

    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private String namespace;
    private String nodeId;
    private int expiryGraceSeconds = DEFAULT_EXPIRY_GRACE_SECONDS;
    private double touchIntervalFraction = DEFAULT_TOUCH_INTERVAL_FRACTION;

    private String codec = DEFAULT_CODEC;
    private String allowedClasses = "";
    private int compressionThresholdBytes = DEFAULT_COMPRESSION_THRESHOLD_BYTES;
    private String signingKey;

    private String failureMode = FailureMode.FAIL.settingValue();

    private Function<String, String> environment = System::getenv;

    // ---------------------------------------------------------------- validation

    /**
     * Checks every setting; throws {@link ConfigurationException} naming the first bad one.
     * Call it when the container starts, before the first connection.
     */
    public void validate() {
        RedisUri parsedUri = redisUri();
        requireRange("connectTimeoutMillis", connectTimeoutMillis, 1, 600_000);
        requireRange("socketTimeoutMillis", socketTimeoutMillis, 1, 600_000);
        requireRange("poolMaxTotal", poolMaxTotal, 1, 10_000);
        requireRange("poolMaxWaitMillis", poolMaxWaitMillis, 1, 600_000);
        requireRange("operationTimeoutMillis", operationTimeoutMillis, 0, 1_800_000);
        if (operationTimeoutMillis != 0 && operationTimeoutMillis <= connectionWaitMillis()) {
            throw new ConfigurationException("operationTimeoutMillis", operationTimeoutMillis,
                    "0 for the default, or more than the longest wait for a connection, max(poolMaxWaitMillis, "
                            + "connectTimeoutMillis + socketTimeoutMillis) = " + connectionWaitMillis());
        }
        if (clientName != null && !clientName.isEmpty() && !clientName.matches("[!-~]+")) {
            throw new ConfigurationException("clientName", clientName, "printable ASCII without spaces");
        }
        if (keyPrefix == null || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
            throw new ConfigurationException("keyPrefix", keyPrefix, "any text without '{' or '}', e.g. 'rs:'");
        }
        if (namespace != null) {
            checkNamespace(namespace);
        }
        if (nodeId != null && (nodeId.isBlank() || nodeId.length() > 200)) {
            throw new ConfigurationException("nodeId", nodeId, "a non-blank name of at most 200 characters");
        }
        requireRange("expiryGraceSeconds", expiryGraceSeconds, 1, 30 * 24 * 3600);
        if (!(touchIntervalFraction >= 0.0 && touchIntervalFraction <= MAX_TOUCH_INTERVAL_FRACTION)) {
            throw new ConfigurationException("touchIntervalFraction", touchIntervalFraction,
                    "a fraction of the max inactive interval from 0.0 to " + MAX_TOUCH_INTERVAL_FRACTION);
        }
        codecName();
        allowList();
        requireRange("compressionThresholdBytes", compressionThresholdBytes, 0, Integer.MAX_VALUE);
        String key = effectiveSigningKey();
        if (key != null && key.getBytes(StandardCharsets.UTF_8).length < MIN_SIGNING_KEY_BYTES) {
            throw new ConfigurationException("signingKey", "****",
                    "at least " + MIN_SIGNING_KEY_BYTES + " bytes; use a long random secret");
        }
        failureModeValue();
        checkStore("tlsTrustStore", tlsTrustStore);
        checkStore("tlsKeyStore", tlsKeyStore);
        checkTlsSettingsApply(parsedUri);
    }

    /** TLS settings without TLS, or a store password without its store, would be ignored: refused. */
    private void checkTlsSettingsApply(RedisUri parsedUri) {
        String[][] settings = {
                {"tlsTrustStore", tlsTrustStore, tlsTrustStore},
                {"tlsTrustStorePassword", tlsTrustStorePassword == null ? null : "****", tlsTrustStorePassword},
                {"tlsKeyStore", tlsKeyStore, tlsKeyStore},
                {"tlsKeyStorePassword", tlsKeyStorePassword == null ? null : "****", tlsKeyStorePassword}};
        for (String[] s : settings) {
            if (s[2] != null && !s[2].isEmpty() && !parsedUri.tls()) {
                throw new ConfigurationException(s[0], s[1], "applies only to TLS connections (rediss://,"
                        + " rediss-sentinel://, rediss-cluster://), but the uri is " + parsedUri.masked()
                        + "; remove the setting or use a TLS uri");
            }
        }
        if (emptyToNull(tlsTrustStorePassword) != null && emptyToNull(tlsTrustStore) == null) {
            throw new ConfigurationException("tlsTrustStorePassword", "****", "set only with tlsTrustStore");
        }
        if (emptyToNull(tlsKeyStorePassword) != null && emptyToNull(tlsKeyStore) == null) {
            throw new ConfigurationException("tlsKeyStorePassword", "****", "set only with tlsKeyStore");
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static void checkStore(String setting, String path) {
        if (path != null && !path.isEmpty() && !new java.io.File(path).isFile()) {
            throw new ConfigurationException(setting, path, "a readable PKCS12 or JKS file");
        }
    }

    private static void requireRange(String setting, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ConfigurationException(setting, value, "expected " + min + " to " + max);
        }
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
     * The default namespace for a webapp: its context path without the leading slash, nested
     * paths joined with '#' (Tomcat's own convention for file names), and {@code ROOT} for "/".
     */
    public static String namespaceForContextPath(String contextPath) {
        if (contextPath == null || contextPath.isEmpty() || contextPath.equals("/")) {
            return "ROOT";
        }
        String path = contextPath.startsWith("/") ? contextPath.substring(1) : contextPath;
        path = path.replace('/', '#').replace(':', '_').replace('{', '_').replace('}', '_').replaceAll("\\s", "_");
        return path.isEmpty() ? "ROOT" : path;
    }

    // ---------------------------------------------------------------- resolved values

    /** The parsed URI, with user and password from the settings or the environment applied. */
    public RedisUri redisUri() {
        String raw = effectiveUri();
        RedisUri parsed = RedisUri.parse("uri", raw);
        String u = firstNonEmpty(user, environment.apply(ENV_USER));
        String p = firstNonEmpty(password, environment.apply(ENV_PASSWORD));
        return parsed.withCredentials(u, p);
    }

    /**
     * The longest getting a connection may take: a free pooled one ({@code poolMaxWaitMillis}) or a
     * new one (connect, then the first reply of its handshake).
     */
    public int connectionWaitMillis() {
        return Math.max(poolMaxWaitMillis, connectTimeoutMillis + socketTimeoutMillis);
    }

    /**
     * The bound of one store operation across all its attempts: the setting, or by default room
     * for one whole attempt, {@link #connectionWaitMillis()} + {@code socketTimeoutMillis}
     * (6000 ms with the default timeouts).
     */
    public int effectiveOperationTimeoutMillis() {
        return operationTimeoutMillis != 0 ? operationTimeoutMillis : connectionWaitMillis() + socketTimeoutMillis;
    }

    public String effectiveUri() {
        return firstNonEmpty(uri, environment.apply(ENV_URI), DEFAULT_URI);
    }

    public String effectiveSigningKey() {
        return firstNonEmpty(signingKey, environment.apply(ENV_SIGNING_KEY));
    }

    public String codecName() {
        String c = codec == null ? "" : codec.trim().toLowerCase(Locale.ROOT);
        if (!c.equals("json") && !c.equals("java")) {
            throw new ConfigurationException("codec", codec, "expected json or java");
        }
        return c;
    }

    public ClassAllowList allowList() {
        return ClassAllowList.parse("allowedClasses", allowedClasses);
    }

    public FailureMode failureModeValue() {
        return FailureMode.parse("failureMode", failureMode);
    }

    /** The node id written with every save: the setting, else host name and process id. */
    public String effectiveNodeId() {
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

    /** The settings as a user would print them: every secret masked. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        String shownUri;
        try {
            shownUri = redisUri().masked();
        } catch (ConfigurationException e) {
            shownUri = RedisUri.maskPassword(effectiveUri());
        }
        m.put("uri", shownUri);
        m.put("user", Objects.toString(firstNonEmpty(user, environment.apply(ENV_USER)), ""));
        m.put("password", firstNonEmpty(password, environment.apply(ENV_PASSWORD)) == null ? "" : "****");
        m.put("connectTimeoutMillis", Integer.toString(connectTimeoutMillis));
        m.put("socketTimeoutMillis", Integer.toString(socketTimeoutMillis));
        m.put("poolMaxTotal", Integer.toString(poolMaxTotal));
        m.put("poolMaxWaitMillis", Integer.toString(poolMaxWaitMillis));
        m.put("operationTimeoutMillis", Integer.toString(effectiveOperationTimeoutMillis()));
        m.put("clientName", Objects.toString(clientName, ""));
        m.put("tlsTrustStore", Objects.toString(tlsTrustStore, ""));
        m.put("tlsKeyStore", Objects.toString(tlsKeyStore, ""));
        m.put("keyPrefix", keyPrefix);
        m.put("namespace", Objects.toString(namespace, ""));
        m.put("nodeId", Objects.toString(nodeId, ""));
        m.put("expiryGraceSeconds", Integer.toString(expiryGraceSeconds));
        m.put("touchIntervalFraction", Double.toString(touchIntervalFraction));
        m.put("codec", Objects.toString(codec, ""));
        m.put("allowedClasses", Objects.toString(allowedClasses, ""));
        m.put("compressionThresholdBytes", Integer.toString(compressionThresholdBytes));
        m.put("signingKey", effectiveSigningKey() == null ? "" : "****");
        m.put("failureMode", Objects.toString(failureMode, ""));
        return m;
    }

    @Override
    public String toString() {
        return "SessionStoreConfig" + describe();
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- getters and setters

    public String getUri() { return uri; }
    public void setUri(String uri) { this.uri = uri; }
    public String getUser() { return user; }
    public void setUser(String user) { this.user = user; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public int getConnectTimeoutMillis() { return connectTimeoutMillis; }
    public void setConnectTimeoutMillis(int v) { this.connectTimeoutMillis = v; }
    public int getSocketTimeoutMillis() { return socketTimeoutMillis; }
    public void setSocketTimeoutMillis(int v) { this.socketTimeoutMillis = v; }
    public int getPoolMaxTotal() { return poolMaxTotal; }
    public void setPoolMaxTotal(int v) { this.poolMaxTotal = v; }
    public int getPoolMaxWaitMillis() { return poolMaxWaitMillis; }
    public void setPoolMaxWaitMillis(int v) { this.poolMaxWaitMillis = v; }
    public int getOperationTimeoutMillis() { return operationTimeoutMillis; }
    public void setOperationTimeoutMillis(int v) { this.operationTimeoutMillis = v; }
    public String getClientName() { return clientName; }
    public void setClientName(String clientName) { this.clientName = clientName; }
    public String getTlsTrustStore() { return tlsTrustStore; }
    public void setTlsTrustStore(String v) { this.tlsTrustStore = v; }
    public String getTlsTrustStorePassword() { return tlsTrustStorePassword; }
    public void setTlsTrustStorePassword(String v) { this.tlsTrustStorePassword = v; }
    public String getTlsKeyStore() { return tlsKeyStore; }
    public void setTlsKeyStore(String v) { this.tlsKeyStore = v; }
    public String getTlsKeyStorePassword() { return tlsKeyStorePassword; }
    public void setTlsKeyStorePassword(String v) { this.tlsKeyStorePassword = v; }
    public String getKeyPrefix() { return keyPrefix; }
    public void setKeyPrefix(String keyPrefix) { this.keyPrefix = keyPrefix; }
    public String getNamespace() { return namespace; }
    public void setNamespace(String namespace) { this.namespace = namespace == null || namespace.isEmpty() ? null : namespace; }
    public String getNodeId() { return nodeId; }
    public void setNodeId(String nodeId) { this.nodeId = nodeId == null || nodeId.isEmpty() ? null : nodeId; }
    public int getExpiryGraceSeconds() { return expiryGraceSeconds; }
    public void setExpiryGraceSeconds(int v) { this.expiryGraceSeconds = v; }
    public double getTouchIntervalFraction() { return touchIntervalFraction; }
    public void setTouchIntervalFraction(double v) { this.touchIntervalFraction = v; }
    public String getCodec() { return codec; }
    public void setCodec(String codec) { this.codec = codec; }
    public String getAllowedClasses() { return allowedClasses; }
    public void setAllowedClasses(String allowedClasses) { this.allowedClasses = allowedClasses == null ? "" : allowedClasses; }
    public int getCompressionThresholdBytes() { return compressionThresholdBytes; }
    public void setCompressionThresholdBytes(int v) { this.compressionThresholdBytes = v; }
    public String getSigningKey() { return signingKey; }
    public void setSigningKey(String signingKey) { this.signingKey = signingKey; }
    public String getFailureMode() { return failureMode; }
    public void setFailureMode(String failureMode) { this.failureMode = failureMode; }

    /** Where environment variables are read from; tests pass a map instead of the process env. */
    public void setEnvironment(Function<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }
}
