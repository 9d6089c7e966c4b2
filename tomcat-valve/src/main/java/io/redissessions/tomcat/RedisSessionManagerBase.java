package io.redissessions.tomcat;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.FailureMode;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.SessionState;
import io.redissessions.core.store.StoreMetrics;
import org.apache.catalina.Context;
import org.apache.catalina.Loader;
import org.apache.catalina.session.ManagerBase;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The settings and the Redis state of {@link RedisSessionManager}, kept apart from what the
 * manager does with sessions: every context.xml attribute (mapped onto a
 * {@link SessionStoreConfig}, secrets masked when read), the JMX counters, and whether Redis is
 * reachable. Tomcat's digester and JMX see these inherited public setters and getters as the
 * manager's own; the JMX descriptor stays that of {@link RedisSessionManager}.
 */
public abstract class RedisSessionManagerBase extends ManagerBase {

    /** The manager's logger: messages keep the category of {@link RedisSessionManager}. */
    private static final Log log = LogFactory.getLog(RedisSessionManager.class);
    private static final String MASK = "****";

    final SessionStoreConfig config = new SessionStoreConfig();
    /** Settings whose text could not be parsed; reported at start with the setting's name. */
    private final Map<String, String> unparsable = new LinkedHashMap<>();
    private volatile Clock clock = Clock.systemUTC();
    /** Set when the manager starts; null before. */
    volatile RedisSessionStore store;
    volatile FailureMode failureMode = FailureMode.FAIL;
    /** The namespace in effect, set when the manager starts. */
    volatile String namespace;
    final AtomicBoolean redisDown = new AtomicBoolean();

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

    RedisSessionStore store() {
        RedisSessionStore s = store;
        if (s == null) {
            throw new IllegalStateException("redis-sessions: the manager of context [" + getContext().getName()
                    + "] is not started");
        }
        return s;
    }

    Clock clock() {
        return clock;
    }

    ClassLoader webappClassLoader() {
        Context context = getContext();
        Loader loader = context == null ? null : context.getLoader();
        ClassLoader cl = loader == null ? null : loader.getClassLoader();
        return cl != null ? cl : Thread.currentThread().getContextClassLoader();
    }

    // ================================================================== Redis calls and failures

    /**
     * Deletes an invalidated session in Redis. TRUE if this node deleted it, FALSE if it was gone
     * already, null if Redis could not be asked (failureMode=local).
     */
    Boolean deleteForInvalidation(RedisSession session) {
        try {
            boolean deleted = store().delete(session.state().id());
            redisUp();
            return deleted;
        } catch (SessionStoreException e) {
            failed(e, "invalidate session " + session.getIdInternal(), RequestScope.current());
            return null;
        }
    }

    void deleteQuietly(String id) {
        try {
            store().delete(id);
        } catch (SessionStoreException e) {
            redisDown(e, "delete expired session " + id);
        }
    }

    boolean renameInStore(String oldId, String newId) {
        try {
            return store().changeId(oldId, newId);
        } catch (SessionStoreException e) {
            if (isDataError(e) || e.getCause() == null) {
                throw e; // the new id is taken: not an outage
            }
            failed(e, "change the id of session " + oldId, RequestScope.current());
            return false;
        }
    }

    SessionState openInStore(String id) {
        try {
            return store().open(id);
        } catch (SessionStoreException e) {
            failed(e, "load session " + id, RequestScope.current());
            return null;
        }
    }

    void unreadable(String id, String what, Exception e) {
        log.warn("redis-sessions: " + what + " of session " + id + " in Redis cannot be read and is treated as "
                + "absent: " + e.getMessage());
    }

    /**
     * Redis failed while a request needed it: failureMode=fail throws (the valve answers 503);
     * failureMode=local logs and lets the caller continue with node-local sessions.
     */
    void failed(SessionStoreException e, String what, RequestScope scope) {
        redisDown(e, what);
        if (failureMode == FailureMode.FAIL) {
            SessionStoreUnavailableException unavailable = new SessionStoreUnavailableException(
                    "redis-sessions: cannot " + what + ": Redis is unreachable (" + e.getMessage()
                            + "); answering 503 instead of using a new, empty session (failureMode=fail)", e);
            if (scope != null) {
                scope.failed(unavailable);
            }
            throw unavailable;
        }
    }

    void redisDown(SessionStoreException e, String what) {
        if (redisDown.compareAndSet(false, true)) {
            log.warn("redis-sessions: Redis is unreachable for context [" + getContext().getName() + "] (" + what
                    + ": " + e.getMessage() + "); "
                    + (failureMode == FailureMode.LOCAL
                    ? "serving node-local sessions until it is back (failureMode=local)"
                    : "requests that need their session get 503 until it is back (failureMode=fail)"));
        } else if (log.isDebugEnabled()) {
            log.debug("redis-sessions: Redis still unreachable (" + what + "): " + e.getMessage());
        }
    }

    void redisUp() {
        if (redisDown.compareAndSet(true, false)) {
            log.info("redis-sessions: Redis is reachable again for context [" + getContext().getName() + "]");
        }
    }

    /** Wrong-type keys and the like: the data is bad, Redis is fine. */
    static boolean isDataError(SessionStoreException e) {
        return e.getCause() instanceof JedisDataException;
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
    public String getNamespace() { return namespace != null ? namespace : config.getNamespace(); }
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
    public String getNodeId() { return store != null ? store.nodeId() : config.getNodeId(); }
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

    // ================================================================== JMX counters

    private StoreMetrics metrics() {
        RedisSessionStore s = store;
        return s == null ? null : s.metrics();
    }

    public long getLoads() { StoreMetrics m = metrics(); return m == null ? 0 : m.getLoads(); }
    public long getLoadMisses() { StoreMetrics m = metrics(); return m == null ? 0 : m.getLoadMisses(); }
    public long getSaves() { StoreMetrics m = metrics(); return m == null ? 0 : m.getSaves(); }
    public long getSkippedWrites() { StoreMetrics m = metrics(); return m == null ? 0 : m.getSkippedWrites(); }
    public long getSaveConflicts() { StoreMetrics m = metrics(); return m == null ? 0 : m.getSaveConflicts(); }
    public long getDeletes() { StoreMetrics m = metrics(); return m == null ? 0 : m.getDeletes(); }
    public long getExpiredClaimed() { StoreMetrics m = metrics(); return m == null ? 0 : m.getExpiredClaimed(); }
    public long getBytesRead() { StoreMetrics m = metrics(); return m == null ? 0 : m.getBytesRead(); }
    public long getBytesWritten() { StoreMetrics m = metrics(); return m == null ? 0 : m.getBytesWritten(); }
    public long getDecodeFailures() { StoreMetrics m = metrics(); return m == null ? 0 : m.getDecodeFailures(); }
    public long getEncodeFailures() { StoreMetrics m = metrics(); return m == null ? 0 : m.getEncodeFailures(); }
    public long getRedisErrors() { StoreMetrics m = metrics(); return m == null ? 0 : m.getRedisErrors(); }
    public long getRoundTrips() { StoreMetrics m = metrics(); return m == null ? 0 : m.getRoundTrips(); }
    public long getMeanLatencyMicros() { StoreMetrics m = metrics(); return m == null ? 0 : m.getMeanLatencyMicros(); }
    /** False after a Redis call failed, until one succeeds again. */
    public boolean isRedisReachable() { return !redisDown.get(); }
    /** Node-local sessions (failureMode=local while Redis is unreachable). */
    public int getLocalSessions() { return sessions.size(); }

    /** The store's counters, for code that embeds Tomcat. */
    public StoreMetrics getStoreMetrics() {
        return metrics();
    }
}
