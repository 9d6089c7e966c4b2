package io.redissessions.tomcat;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.FailureMode;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.Settings;
import io.redissessions.core.SettingsView;
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
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The settings and the Redis state of {@link RedisSessionManager}, kept apart from what the
 * manager does with sessions: every context.xml attribute (each setting of the table
 * {@link io.redissessions.core.Settings}, through {@link ManagerSettings} onto a
 * {@link SessionStoreConfig}), the JMX counters, and whether Redis is reachable. Tomcat's digester
 * and JMX see these inherited public setters and getters as the manager's own; the JMX descriptor
 * stays that of {@link RedisSessionManager}, and {@link RedisSessionManagerMBean} answers the
 * settings.
 */
public abstract class RedisSessionManagerBase extends ManagerBase {

    /** The manager's logger: messages keep the category of {@link RedisSessionManager}. */
    private static final Log log = LogFactory.getLog(RedisSessionManager.class);

    final SessionStoreConfig config = new SessionStoreConfig();
    /** The context.xml attributes and their JMX view: every setting of the table. */
    private final ManagerSettings settings = new ManagerSettings(config, new SettingsView(config)
            .inEffect(Settings.NAMESPACE, () -> this.namespace)
            .inEffect(Settings.NODE_ID, () -> {
                RedisSessionStore running = this.store;
                return running == null ? null : running.nodeId();
            }));
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
        settings.validate();
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

    ManagerSettings settings() {
        return settings;
    }

    /**
     * Any setting of {@link Settings} by name, from its text: Tomcat's digester calls this for a
     * {@code <Manager>} attribute that has no setter of its own (and for a number that its typed
     * setter could not take). A text that does not parse stops the context when it starts, with
     * the setting's name in the message.
     *
     * @return false if no setting has that name
     */
    public boolean setProperty(String name, String value) {
        return settings.setText(name, value);
    }

    // Typed setters for Java callers; the String overloads are what the digester finds first for
    // a number (it cannot convert a text to a double itself). Getters show what JMX shows.

    public String getUri() { return settings.shownText(Settings.URI); }
    public void setUri(String uri) { settings.set(Settings.URI, uri); }
    public String getUser() { return settings.shownText(Settings.USER); }
    public void setUser(String user) { settings.set(Settings.USER, user); }
    /** Masked: "****" when set. */
    public String getPassword() { return settings.shownText(Settings.PASSWORD); }
    public void setPassword(String password) { settings.set(Settings.PASSWORD, password); }
    public String getNamespace() { return settings.shownText(Settings.NAMESPACE); }
    public void setNamespace(String namespace) { settings.set(Settings.NAMESPACE, namespace); }
    public String getCodec() { return settings.shownText(Settings.CODEC); }
    public void setCodec(String codec) { settings.set(Settings.CODEC, codec); }
    public String getAllowedClasses() { return settings.shownText(Settings.ALLOWED_CLASSES); }
    public void setAllowedClasses(String allowedClasses) { settings.set(Settings.ALLOWED_CLASSES, allowedClasses); }
    public int getConnectTimeoutMillis() { return config.getConnectTimeoutMillis(); }
    public void setConnectTimeoutMillis(int v) { settings.set(Settings.CONNECT_TIMEOUT_MILLIS, v); }
    public void setConnectTimeoutMillis(String v) { setProperty(Settings.CONNECT_TIMEOUT_MILLIS.name(), v); }
    public int getSocketTimeoutMillis() { return config.getSocketTimeoutMillis(); }
    public void setSocketTimeoutMillis(int v) { settings.set(Settings.SOCKET_TIMEOUT_MILLIS, v); }
    public void setSocketTimeoutMillis(String v) { setProperty(Settings.SOCKET_TIMEOUT_MILLIS.name(), v); }
    public int getPoolMaxTotal() { return config.getPoolMaxTotal(); }
    public void setPoolMaxTotal(int v) { settings.set(Settings.POOL_MAX_TOTAL, v); }
    public void setPoolMaxTotal(String v) { setProperty(Settings.POOL_MAX_TOTAL.name(), v); }
    public int getPoolMaxWaitMillis() { return config.getPoolMaxWaitMillis(); }
    public void setPoolMaxWaitMillis(int v) { settings.set(Settings.POOL_MAX_WAIT_MILLIS, v); }
    public void setPoolMaxWaitMillis(String v) { setProperty(Settings.POOL_MAX_WAIT_MILLIS.name(), v); }
    public String getClientName() { return settings.shownText(Settings.CLIENT_NAME); }
    public void setClientName(String clientName) { settings.set(Settings.CLIENT_NAME, clientName); }
    public String getTlsTrustStore() { return settings.shownText(Settings.TLS_TRUST_STORE); }
    public void setTlsTrustStore(String v) { settings.set(Settings.TLS_TRUST_STORE, v); }
    /** Masked: "****" when set. */
    public String getTlsTrustStorePassword() { return settings.shownText(Settings.TLS_TRUST_STORE_PASSWORD); }
    public void setTlsTrustStorePassword(String v) { settings.set(Settings.TLS_TRUST_STORE_PASSWORD, v); }
    public String getTlsKeyStore() { return settings.shownText(Settings.TLS_KEY_STORE); }
    public void setTlsKeyStore(String v) { settings.set(Settings.TLS_KEY_STORE, v); }
    /** Masked: "****" when set. */
    public String getTlsKeyStorePassword() { return settings.shownText(Settings.TLS_KEY_STORE_PASSWORD); }
    public void setTlsKeyStorePassword(String v) { settings.set(Settings.TLS_KEY_STORE_PASSWORD, v); }
    public String getKeyPrefix() { return settings.shownText(Settings.KEY_PREFIX); }
    public void setKeyPrefix(String keyPrefix) { settings.set(Settings.KEY_PREFIX, keyPrefix); }
    public String getNodeId() { return settings.shownText(Settings.NODE_ID); }
    public void setNodeId(String nodeId) { settings.set(Settings.NODE_ID, nodeId); }
    public int getExpiryGraceSeconds() { return config.getExpiryGraceSeconds(); }
    public void setExpiryGraceSeconds(int v) { settings.set(Settings.EXPIRY_GRACE_SECONDS, v); }
    public void setExpiryGraceSeconds(String v) { setProperty(Settings.EXPIRY_GRACE_SECONDS.name(), v); }
    public double getTouchIntervalFraction() { return config.getTouchIntervalFraction(); }
    public void setTouchIntervalFraction(double v) { settings.set(Settings.TOUCH_INTERVAL_FRACTION, v); }
    public void setTouchIntervalFraction(String v) { setProperty(Settings.TOUCH_INTERVAL_FRACTION.name(), v); }
    public int getCompressionThresholdBytes() { return config.getCompressionThresholdBytes(); }
    public void setCompressionThresholdBytes(int v) { settings.set(Settings.COMPRESSION_THRESHOLD_BYTES, v); }
    public void setCompressionThresholdBytes(String v) { setProperty(Settings.COMPRESSION_THRESHOLD_BYTES.name(), v); }
    /** Masked: "****" when set. */
    public String getSigningKey() { return settings.shownText(Settings.SIGNING_KEY); }
    public void setSigningKey(String signingKey) { settings.set(Settings.SIGNING_KEY, signingKey); }
    public String getFailureMode() { return settings.shownText(Settings.FAILURE_MODE); }
    public void setFailureMode(String failureMode) { settings.set(Settings.FAILURE_MODE, failureMode); }

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
