package io.redissessions.tomcat;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;
import org.apache.catalina.session.ManagerBase;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of {@link RedisSessionManager}, and nothing else: every context.xml attribute
 * (mapped onto a {@link SessionStoreConfig}, secrets masked when read). Tomcat's digester and JMX
 * see these inherited public setters and getters as the manager's own; the JMX descriptor stays
 * that of {@link RedisSessionManager}. It holds no state of a running manager and calls nothing
 * of its subclass.
 */
public abstract class RedisSessionManagerBase extends ManagerBase {

    private static final String MASK = "****";

    private final SessionStoreConfig config = new SessionStoreConfig();
    /** Settings whose text could not be parsed; reported at start with the setting's name. */
    private final Map<String, String> unparsable = new LinkedHashMap<>();
    private volatile Clock clock = Clock.systemUTC();

    RedisSessionManagerBase() {
    }

    /**
     * Checks every setting, as the context starts.
     *
     * @throws ConfigurationException naming the first bad setting
     */
    void validateSettings() {
        if (!unparsable.isEmpty()) {
            Map.Entry<String, String> bad = unparsable.entrySet().iterator().next();
            throw new ConfigurationException(bad.getKey(), bad.getValue(), "a number");
        }
        config.validate();
    }

    Clock clock() {
        return clock;
    }

    // ================================================================== settings (context.xml attributes)

    /** The time source; embedders and tests may replace it before the context starts. */
    public void setClock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The store's settings, for embedding code that prefers one object to many setters. */
    public SessionStoreConfig getConfig() {
        return config;
    }

    private static String masked(String secret) {
        return secret == null || secret.isEmpty() ? "" : MASK;
    }

    private int parseInt(String setting, String text, int current) {
        try {
            unparsable.remove(setting);
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException | NullPointerException e) {
            unparsable.put(setting, text);
            return current;
        }
    }

    public String getUri() { return config.describe().get("uri"); }
    public void setUri(String uri) { config.setUri(uri); }
    public String getUser() { return config.getUser(); }
    public void setUser(String user) { config.setUser(user); }
    /** Masked: "****" when set. */
    public String getPassword() { return masked(config.getPassword()); }
    public void setPassword(String password) { config.setPassword(password); }
    public String getNamespace() { return config.getNamespace(); }
    public void setNamespace(String namespace) { config.setNamespace(namespace); }
    public String getCodec() { return config.getCodec(); }
    public void setCodec(String codec) { config.setCodec(codec); }
    public String getAllowedClasses() { return config.getAllowedClasses(); }
    public void setAllowedClasses(String allowedClasses) { config.setAllowedClasses(allowedClasses); }
    public int getConnectTimeoutMillis() { return config.getConnectTimeoutMillis(); }
    public void setConnectTimeoutMillis(int v) { config.setConnectTimeoutMillis(v); }
    public void setConnectTimeoutMillis(String v) {
        config.setConnectTimeoutMillis(parseInt("connectTimeoutMillis", v, config.getConnectTimeoutMillis()));
    }
    public int getSocketTimeoutMillis() { return config.getSocketTimeoutMillis(); }
    public void setSocketTimeoutMillis(int v) { config.setSocketTimeoutMillis(v); }
    public void setSocketTimeoutMillis(String v) {
        config.setSocketTimeoutMillis(parseInt("socketTimeoutMillis", v, config.getSocketTimeoutMillis()));
    }
    public int getPoolMaxTotal() { return config.getPoolMaxTotal(); }
    public void setPoolMaxTotal(int v) { config.setPoolMaxTotal(v); }
    public void setPoolMaxTotal(String v) { config.setPoolMaxTotal(parseInt("poolMaxTotal", v, config.getPoolMaxTotal())); }
    public int getPoolMaxWaitMillis() { return config.getPoolMaxWaitMillis(); }
    public void setPoolMaxWaitMillis(int v) { config.setPoolMaxWaitMillis(v); }
    public void setPoolMaxWaitMillis(String v) {
        config.setPoolMaxWaitMillis(parseInt("poolMaxWaitMillis", v, config.getPoolMaxWaitMillis()));
    }
    public String getClientName() { return config.getClientName(); }
    public void setClientName(String clientName) { config.setClientName(clientName); }
    public String getTlsTrustStore() { return config.getTlsTrustStore(); }
    public void setTlsTrustStore(String v) { config.setTlsTrustStore(v); }
    /** Masked: "****" when set. */
    public String getTlsTrustStorePassword() { return masked(config.getTlsTrustStorePassword()); }
    public void setTlsTrustStorePassword(String v) { config.setTlsTrustStorePassword(v); }
    public String getTlsKeyStore() { return config.getTlsKeyStore(); }
    public void setTlsKeyStore(String v) { config.setTlsKeyStore(v); }
    /** Masked: "****" when set. */
    public String getTlsKeyStorePassword() { return masked(config.getTlsKeyStorePassword()); }
    public void setTlsKeyStorePassword(String v) { config.setTlsKeyStorePassword(v); }
    public String getKeyPrefix() { return config.getKeyPrefix(); }
    public void setKeyPrefix(String keyPrefix) { config.setKeyPrefix(keyPrefix); }
    public String getNodeId() { return config.getNodeId(); }
    public void setNodeId(String nodeId) { config.setNodeId(nodeId); }
    public int getExpiryGraceSeconds() { return config.getExpiryGraceSeconds(); }
    public void setExpiryGraceSeconds(int v) { config.setExpiryGraceSeconds(v); }
    public void setExpiryGraceSeconds(String v) {
        config.setExpiryGraceSeconds(parseInt("expiryGraceSeconds", v, config.getExpiryGraceSeconds()));
    }
    public double getTouchIntervalFraction() { return config.getTouchIntervalFraction(); }
    public void setTouchIntervalFraction(double v) { config.setTouchIntervalFraction(v); }
    /** Tomcat's digester sets numbers other than int and long as text. */
    public void setTouchIntervalFraction(String v) {
        try {
            unparsable.remove("touchIntervalFraction");
            config.setTouchIntervalFraction(Double.parseDouble(v.trim()));
        } catch (NumberFormatException | NullPointerException e) {
            unparsable.put("touchIntervalFraction", v);
        }
    }
    public int getCompressionThresholdBytes() { return config.getCompressionThresholdBytes(); }
    public void setCompressionThresholdBytes(int v) { config.setCompressionThresholdBytes(v); }
    public void setCompressionThresholdBytes(String v) {
        config.setCompressionThresholdBytes(parseInt("compressionThresholdBytes", v, config.getCompressionThresholdBytes()));
    }
    /** Masked: "****" when set. */
    public String getSigningKey() { return masked(config.effectiveSigningKey()); }
    public void setSigningKey(String signingKey) { config.setSigningKey(signingKey); }
    public String getFailureMode() { return config.getFailureMode(); }
    public void setFailureMode(String failureMode) { config.setFailureMode(failureMode); }

    /** Every setting as it is in effect, secrets masked. */
    public String getConfiguration() {
        return config.describe().toString();
    }
}
