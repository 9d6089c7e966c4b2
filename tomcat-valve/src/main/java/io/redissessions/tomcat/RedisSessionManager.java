package io.redissessions.tomcat;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.FailureMode;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionState;
import io.redissessions.core.store.StoreMetrics;
import org.apache.catalina.Authenticator;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Loader;
import org.apache.catalina.Session;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.session.ManagerBase;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Tomcat {@link org.apache.catalina.Manager} that keeps sessions in Redis, shared by every node
 * behind a load balancer, sticky or not.
 *
 * <pre>
 * &lt;Manager className="io.redissessions.tomcat.RedisSessionManager" uri="redis://127.0.0.1:6379/0"/&gt;
 * </pre>
 *
 * Every store setting is an attribute of the same name as in {@link SessionStoreConfig}; they are
 * all checked when the context starts, and a bad value stops it with the setting's name in the
 * message. Redis itself may be down at start: the first request after it is up connects.
 *
 * <p>How sessions move: a request's session is loaded from Redis once, the first time the request
 * asks for it, and saved once, by {@link RedisSessionValve}, when the request ends and before the
 * response is complete (for async requests, when they complete). Sessions are not kept in this
 * manager between requests; {@code activeSessions} counts only node-local sessions of
 * {@code failureMode="local"}. Expiry is decided by what Redis holds: every node's background
 * thread claims expired sessions with {@link RedisSessionStore#claimExpired}, and the one that
 * gets a session runs its listeners. Stopping or undeploying never deletes or expires a session.
 */
public class RedisSessionManager extends ManagerBase {

    private static final Log log = LogFactory.getLog(RedisSessionManager.class);
    private static final String MASK = "****";
    /** Expired sessions claimed per Redis call, and calls per background run. */
    private static final int CLAIM_BATCH = 100;
    private static final int CLAIM_BATCHES_PER_RUN = 10;

    private final SessionStoreConfig config = new SessionStoreConfig();
    /** Settings whose text could not be parsed; reported at start with the setting's name. */
    private final Map<String, String> unparsable = new LinkedHashMap<>();
    private volatile Clock clock = Clock.systemUTC();
    private volatile RedisSessionStore store;
    private volatile FailureMode failureMode = FailureMode.FAIL;
    private volatile String namespace;
    private final AtomicBoolean redisDown = new AtomicBoolean();

    // ================================================================== lifecycle

    @Override
    public String getName() {
        return "RedisSessionManager";
    }

    @Override
    public void setContext(Context context) {
        super.setContext(context);
        if (context != null) {
            ValvePlacement.installWhenStarting(context);
        }
    }

    @Override
    protected void startInternal() throws LifecycleException {
        super.startInternal();
        Context context = getContext();
        try {
            if (!unparsable.isEmpty()) {
                Map.Entry<String, String> bad = unparsable.entrySet().iterator().next();
                throw new ConfigurationException(bad.getKey(), bad.getValue(), "a number");
            }
            config.validate();
        } catch (ConfigurationException e) {
            throw new LifecycleException(e.getMessage() + " [context " + context.getName() + "]", e);
        }
        if (!ValvePlacement.present(context) && !hasAuthenticator(context)) {
            context.getPipeline().addValve(new RedisSessionValve());
        }
        String problem = ValvePlacement.problem(context);
        if (problem != null) {
            throw new LifecycleException(problem);
        }
        if (context instanceof StandardContext standard) {
            // added after Tomcat has set up the webapp's own listeners, and again at every start
            standard.addApplicationEventListener(SaveBeforeForward.INSTANCE);
        }
        namespace = config.getNamespace() != null ? config.getNamespace()
                : SessionStoreConfig.namespaceForContextPath(context.getPath());
        String route = getJvmRoute();
        if (route != null && route.contains(".")) {
            log.warn("redis-sessions: jvmRoute '" + route + "' contains a '.'; session ids are stored without "
                    + "what follows their last '.', so ids of this node share a key prefix with the route's first "
                    + "part. Use a jvmRoute without '.' (Jetty's worker names cannot contain one either)");
        }
        failureMode = config.failureModeValue();
        store = new RedisSessionStore(config, namespace, clock);
        log.info("redis-sessions: context [" + context.getName() + "] keeps its sessions in Redis, namespace '"
                + namespace + "', node '" + store.nodeId() + "', settings " + config.describe());
        if (!store.ping()) {
            log.warn("redis-sessions: Redis at " + store.connector().uri().masked() + " cannot be reached yet; "
                    + "context [" + context.getName() + "] starts anyway and its sessions work as soon as Redis is up"
                    + (failureMode == FailureMode.LOCAL ? " (meanwhile sessions are node-local: failureMode=local)"
                    : " (meanwhile requests that need their session get 503: failureMode=fail)"));
            redisDown.set(true);
        }
        setState(LifecycleState.STARTING);
    }

    private static boolean hasAuthenticator(Context context) {
        for (Valve v : context.getPipeline().getValves()) {
            if (v instanceof Authenticator) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stops without touching Redis: sessions stay there for the other nodes (and for this one
     * when it starts again). Node-local sessions of failureMode=local are lost, and said so.
     */
    @Override
    protected void stopInternal() throws LifecycleException {
        setState(LifecycleState.STOPPING);
        int local = sessions.size();
        if (local > 0) {
            log.warn("redis-sessions: context [" + getContext().getName() + "] stops with " + local
                    + " node-local session(s) that never reached Redis; they are dropped");
        }
        sessions.clear();
        RedisSessionStore s = store;
        if (s != null) {
            s.close();
        }
        super.stopInternal();
    }

    // ================================================================== the Manager contract

    /** Nothing to load: sessions are in Redis all along. */
    @Override
    public void load() {
        // sessions live in Redis
    }

    /** Nothing to write and nothing to expire: sessions are in Redis all along and stay there. */
    @Override
    public void unload() {
        // sessions live in Redis
    }

    /**
     * Finds a session: what this request found already, else a node-local session (failureMode
     * local), else Redis (one round trip). Null if absent or expired in Redis.
     *
     * @throws SessionStoreUnavailableException Redis cannot be reached and failureMode is fail
     */
    @Override
    public Session findSession(String id) {
        if (id == null || store == null) {
            return null;
        }
        RequestScope scope = RequestScope.current();
        if (scope != null) {
            Object earlier = scope.lookup(this, id);
            if (earlier != null) {
                return RequestScope.isAbsent(earlier) ? null : (RedisSession) earlier;
            }
            if (scope.isClosing()) {
                return null;
            }
        }
        Session local = sessions.get(id);
        if (local instanceof RedisSession rs) {
            if (scope != null) {
                scope.remember(this, id, rs);
            }
            return rs;
        }
        RedisSession found = load(id, scope);
        if (scope != null) {
            if (found == null) {
                scope.rememberAbsent(this, id);
            } else {
                scope.remember(this, id, found);
            }
        }
        return found;
    }

    private RedisSession load(String id, RequestScope scope) {
        SessionState state;
        try {
            state = store.open(clusterId(id));
            redisUp();
        } catch (SessionStoreException e) {
            if (isDataError(e)) {
                // the key holds something that is not a session: it cannot become one, remove it
                unreadable(id, "the session", e);
                deleteQuietly(clusterId(id));
                return null;
            }
            failed(e, "load session " + id, scope);
            return null;
        }
        // the id as the request presented it: its suffix (whichever node's) is not rewritten
        return state == null ? null : new RedisSession(this, state, id, false);
    }

    /**
     * The id a session is stored under in Redis: {@code id} without a node suffix, that is
     * without everything from its last '.' on ({@code 9F2C....n1} → {@code 9F2C...}). Tomcat
     * appends its {@code jvmRoute} that way, and Jetty its worker name; Jetty removes the same
     * suffix (from the last '.') before it looks a session up, so both containers agree on the
     * key of every session. Null stays null.
     */
    public static String clusterId(String id) {
        if (id == null) {
            return null;
        }
        int dot = id.lastIndexOf('.');
        return dot > 0 ? id.substring(0, dot) : id;
    }

    /** {@code clusterId} with this node's jvmRoute appended, as Tomcat forms the ids it creates. */
    String withOwnRoute(String clusterId) {
        String route = getJvmRoute();
        return route == null || route.isEmpty() ? clusterId : clusterId + "." + route;
    }

    /** A new session; nothing is written until the request ends. */
    @Override
    public Session createSession(String sessionId) {
        if (store == null) {
            throw new IllegalStateException("redis-sessions: the manager of context [" + getContext().getName()
                    + "] is not started");
        }
        String id = sessionId != null ? sessionId : generateSessionId();
        RedisSession session = new RedisSession(this,
                store.newSession(clusterId(id), getContext().getSessionTimeout() * 60), id, false);
        RequestScope scope = RequestScope.current();
        if (scope != null) {
            scope.remember(this, id, session);
        }
        session.tellNew();
        return session;
    }

    /** Node-local sessions only (failureMode=local); sessions in Redis are not held here. */
    @Override
    public void add(Session session) {
        if (session instanceof RedisSession rs && !rs.isLocal()) {
            RequestScope scope = RequestScope.current();
            if (scope != null) {
                scope.remember(this, rs.getIdInternal(), rs);
            }
            return;
        }
        super.add(session);
    }

    @Override
    public void remove(Session session, boolean update) {
        RequestScope scope = RequestScope.current();
        if (scope != null && session.getIdInternal() != null) {
            scope.forget(this, session.getIdInternal());
        }
        super.remove(session, update);
    }

    @Override
    protected void changeSessionId(Session session, String newId, boolean notifySessionListeners,
                                   boolean notifyContainerListeners) {
        if (!(session instanceof RedisSession rs)) {
            super.changeSessionId(session, newId, notifySessionListeners, notifyContainerListeners);
            return;
        }
        String oldId = rs.getIdInternal();
        rs.moveTo(newId);
        rs.setId(newId, false);
        rs.tellChangedSessionId(newId, oldId, notifySessionListeners, notifyContainerListeners);
    }

    /**
     * Every run: claims sessions whose stored expiry has passed and runs their listeners (each
     * expired session is claimed by exactly one node). Every {@code processExpiresFrequency}
     * runs: times out node-local sessions of failureMode=local.
     */
    @Override
    public void backgroundProcess() {
        super.backgroundProcess();
        RedisSessionStore s = store;
        if (s == null) {
            return;
        }
        try {
            for (int batch = 0; batch < CLAIM_BATCHES_PER_RUN; batch++) {
                List<String> ids = s.claimExpired(CLAIM_BATCH);
                for (String id : ids) {
                    expireClaimed(s, id);
                }
                if (ids.size() < CLAIM_BATCH) {
                    break;
                }
            }
            redisUp();
        } catch (SessionStoreException e) {
            redisDown(e, "claim expired sessions");
        }
    }

    private void expireClaimed(RedisSessionStore s, String id) {
        SessionState state;
        try {
            state = s.openClaimed(id);
        } catch (SessionStoreException e) {
            if (isDataError(e)) {
                unreadable(id, "the expired session", e);
                deleteQuietly(id);
                return;
            }
            throw e;
        }
        if (state == null) {
            return;
        }
        try {
            new RedisSession(this, state, withOwnRoute(state.id()), true).expire(true);
        } catch (RuntimeException e) {
            log.error("redis-sessions: the expiry listeners of session " + id + " failed", e);
        }
    }

    // ================================================================== called by sessions and the valve

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

    /**
     * Saves a session at the end of its request.
     *
     * @throws SessionStoreUnavailableException Redis cannot be reached and failureMode is fail
     */
    void saveAtRequestEnd(RedisSession session, RequestScope scope) {
        if (!session.needsSaveAtRequestEnd()) {
            session.markSavedAtRequestEnd();
            return;
        }
        String id = session.getIdInternal();
        SaveResult result;
        try {
            result = session.save();
            redisUp();
        } catch (SessionStoreException e) {
            session.markSavedAtRequestEnd();
            if (failureMode == FailureMode.LOCAL) {
                keepLocally(session);
            }
            failed(e, "save session " + id, scope);
            return;
        }
        session.markSavedAtRequestEnd();
        if (session.isLocal() && (result == null || result == SaveResult.SAVED)) {
            session.setLocal(false);
            sessions.remove(id);
            log.info("redis-sessions: node-local session " + id + " is in Redis now");
        } else if (result == SaveResult.ID_TAKEN) {
            log.warn("redis-sessions: new session " + id + " was not saved: the id is taken in Redis");
        } else if ((result == SaveResult.GONE || result == SaveResult.EXPIRED) && log.isDebugEnabled()) {
            log.debug("redis-sessions: session " + id + " was not saved: " + result
                    + " (invalidated or expired meanwhile, it is not re-created)");
        }
    }

    /** The fallback of {@link RedisSession#endAccess()}: logs instead of throwing. */
    void saveQuietly(RedisSession session, String when) {
        try {
            saveAtRequestEnd(session, null);
        } catch (RuntimeException e) {
            log.error("redis-sessions: session " + session.getIdInternal() + " could not be saved " + when + ": "
                    + e.getMessage());
        }
    }

    private void keepLocally(RedisSession session) {
        session.setLocal(true);
        sessions.put(session.getIdInternal(), session);
    }

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

    // ================================================================== failures

    /**
     * Redis failed while a request needed it: failureMode=fail throws (the valve answers 503);
     * failureMode=local logs and lets the caller continue with node-local sessions.
     */
    private void failed(SessionStoreException e, String what, RequestScope scope) {
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

    private void redisDown(SessionStoreException e, String what) {
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

    private void redisUp() {
        if (redisDown.compareAndSet(true, false)) {
            log.info("redis-sessions: Redis is reachable again for context [" + getContext().getName() + "]");
        }
    }

    /** Wrong-type keys and the like: the data is bad, Redis is fine. */
    private static boolean isDataError(SessionStoreException e) {
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
