package io.redissessions.tomcat;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionIds;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.Settings;
import io.redissessions.core.SettingsView;
import io.redissessions.core.session.SessionService;
import io.redissessions.core.store.IdsInShard;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionKeys;
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
import org.apache.juli.logging.Log;
import org.apache.catalina.session.ManagerBase;
import org.apache.juli.logging.LogFactory;

import java.time.Clock;
import java.util.Objects;

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
 * <p>How sessions move: a request's session is loaded from Redis the first time the request asks
 * for it, unless other requests on this node are using it right now: then they share one object
 * ({@link SharedSessions}). Each request saves it when it ends, through {@link RedisSessionValve},
 * before the response is complete (for async requests, when they complete). Sessions are not kept
 * between requests; {@code activeSessions} counts only node-local sessions of
 * {@code failureMode="local"}. Expiry is decided by what Redis holds: every node's background
 * thread claims expired sessions, and the one that gets a session runs its listeners. Stopping or
 * undeploying never deletes or expires a session.
 *
 * <p>Every Redis call goes through the context's {@link SessionService}, the policy both
 * containers share (what a failure means, when a session is deleted, what is logged). This class
 * keeps Tomcat's reaction to a failure: {@link SessionStoreUnavailableException}, which the valve
 * answers with 503, or node-local sessions with {@code failureMode="local"} while Redis is
 * unreachable. The settings (every setting of {@link Settings}) are context.xml attributes
 * through {@link ManagerSettings}; {@link RedisSessionManagerMBean} shows them and the counters
 * over JMX.
 */
public class RedisSessionManager extends ManagerBase {

    private static final Log log = LogFactory.getLog(RedisSessionManager.class);

    private final SessionStoreConfig config = new SessionStoreConfig();
    /** The context.xml attributes and their JMX view: every setting of the table. */
    private final ManagerSettings settings = new ManagerSettings(config, new SettingsView(config)
            .inEffect(Settings.NAMESPACE, () -> {
                SessionService running = this.service;
                return running == null ? null : running.namespace();
            })
            .inEffect(Settings.NODE_ID, () -> {
                SessionService running = this.service;
                return running == null ? null : running.nodeId();
            }));
    private volatile Clock clock = Clock.systemUTC();
    private final SessionLookup lookup = new SessionLookup(this);
    private final SharedSessions shared = lookup.shared();
    /** Set when the manager starts, null when stopped. */
    private volatile SessionService service;
    /** The namespace in use while started (a derived one is claimed on the server). */
    private ContextNamespace namespace;

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
        SessionService s;
        ContextNamespace ns = null;
        try {
            validateSettings();
            ns = ContextNamespace.of(context, config);
            s = new SessionService(config, ns.name(), "context [" + context.getName() + "]", clock,
                    new JuliStoreLog(log));
        } catch (ConfigurationException e) {
            if (ns != null) {
                ns.release();
            }
            throw new LifecycleException(e.getMessage() + " [context " + context.getName() + "]", e);
        }
        if (!ValvePlacement.present(context) && !hasAuthenticator(context)) {
            context.getPipeline().addValve(new RedisSessionValve());
        }
        String problem = ValvePlacement.problem(context);
        if (problem != null) {
            s.close();
            ns.release();
            throw new LifecycleException(problem);
        }
        namespace = ns;
        if (context instanceof StandardContext standard) {
            // added after Tomcat has set up the webapp's own listeners, and again at every start
            standard.addApplicationEventListener(SaveBeforeForward.INSTANCE);
        }
        String passwordInSession = CachelessFormLogin.warning(context, config.effectiveSigningKey() != null);
        if (passwordInSession != null) {
            log.warn(passwordInSession);
        }
        String route = getJvmRoute();
        if (route != null && route.contains(".")) {
            log.warn("redis-sessions: jvmRoute '" + route + "' contains a '.'; session ids are stored without "
                    + "what follows their last '.', so ids of this node share a key prefix with the route's first "
                    + "part. Use a jvmRoute without '.' (Jetty's worker names cannot contain one either)");
        }
        s.start();
        service = s;
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
        shared.clear();
        SessionService s = service;
        service = null;
        if (s != null) {
            s.close();
        }
        if (namespace != null) {
            namespace.release();
            namespace = null;
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
     * local), else the object other requests on this node are using, else Redis (one round trip).
     * Null if absent or expired in Redis.
     *
     * @throws SessionStoreUnavailableException Redis cannot serve this request's session and the
     *         request must be answered with 503 (also when an earlier lookup of the id failed)
     */
    @Override
    public Session findSession(String id) {
        SessionService s = service;
        if (id == null || s == null) {
            return null;
        }
        RequestScope scope = RequestScope.current();
        if (scope != null) {
            RequestScope.Earlier earlier = scope.earlier(this, id);
            if (earlier != null) {
                return earlier.session();
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
        return scope != null ? lookup.find(s, id, scope) : lookup.findOutsideRequest(s, id);
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
        String id = sessionId != null ? sessionId : generateSessionId();
        RedisSession session = new RedisSession(this,
                service().create(clusterId(id), getContext().getSessionTimeout() * 60), id, false);
        session.getSession(); // its facade exists before another request can share it
        RequestScope scope = RequestScope.current();
        if (scope != null) {
            lookup.created(session, scope);
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

    /**
     * A new id for a session whose id changes (login): one in the old id's shard, so that the store
     * renames the session in one atomic script ({@link RedisSessionStore#changeId}).
     */
    @Override
    public String rotateSessionId(Session session) {
        String oldId = session.getIdInternal();
        if (!(session instanceof RedisSession) || oldId == null) {
            return super.rotateSessionId(session);
        }
        String newId = IdsInShard.generate(this::generateSessionId, RedisSessionManager::clusterId,
                SessionKeys.shardOf(clusterId(oldId)));
        changeSessionId(session, newId, true, true);
        return newId;
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
        shared.rename(rs, clusterId(newId));
        rs.setId(newId, false);
        rs.tellChangedSessionId(newId, oldId, notifySessionListeners, notifyContainerListeners);
    }

    /**
     * Every run: claims sessions whose stored expiry has passed and runs their listeners (each
     * expired session is claimed by exactly one node, which deletes it afterwards). Every
     * {@code processExpiresFrequency} runs: times out node-local sessions of failureMode=local.
     */
    @Override
    public void backgroundProcess() {
        super.backgroundProcess();
        SessionService s = service;
        if (s != null) {
            s.expiry().expirePass(state -> new RedisSession(this, state, withOwnRoute(state.id()), true).expire(true));
        }
    }

    // ================================================================== state

    /** False after a Redis call failed because Redis is unavailable, until one succeeds again. */
    public boolean isRedisReachable() {
        SessionService s = service;
        return s == null || s.availability().isReachable();
    }

    /** Node-local sessions (failureMode=local while Redis is unreachable). */
    public int getLocalSessions() {
        return sessions.size();
    }

    /**
     * Whether a request for {@code decodedUri} (the path as Tomcat decoded it, with the context
     * path) holds the lock of the sessions it uses (lockingMode).
     */
    boolean locksRequestFor(String decodedUri) {
        SessionService s = service;
        return s != null && s.locksRequestFor(decodedUri);
    }

    /** The store's counters (null before start), for code that embeds Tomcat; JMX shows them too. */
    public StoreMetrics getStoreMetrics() {
        SessionService s = service;
        return s == null ? null : s.metrics();
    }

    SessionService service() {
        SessionService s = service;
        if (s == null) {
            throw new IllegalStateException("redis-sessions: the manager of context [" + getContext().getName()
                    + "] is not started");
        }
        return s;
    }

    /** The store this context uses (its keys, for tests and tools). */
    RedisSessionStore store() {
        return service().store();
    }

    ClassLoader webappClassLoader() {
        Context context = getContext();
        Loader loader = context == null ? null : context.getLoader();
        ClassLoader cl = loader == null ? null : loader.getClassLoader();
        return cl != null ? cl : Thread.currentThread().getContextClassLoader();
    }

    // ================================================================== called by sessions and the valve

    /**
     * Saves a session at the end of a request that used it.
     *
     * @throws SessionStoreUnavailableException Redis cannot take it and the request gets 503
     */
    void saveAtRequestEnd(RedisSession session, boolean last) {
        SessionService s = service();
        if (!session.isValid() || session.isClaimed()) {
            if (last) {
                s.unlock(session.state()); // invalidated under the lock: the lock goes too
            }
            return;
        }
        SaveResult result;
        try {
            result = session.save(last);
        } catch (SessionStoreException e) {
            FailureAnswer.react(s, e, "save session " + SessionIds.fingerprint(session.getIdInternal()));
            keepLocally(session);
            return;
        }
        if (session.isLocal() && (result == null || result == SaveResult.SAVED)) {
            session.setLocal(false);
            sessions.remove(session.getIdInternal());
            log.info("redis-sessions: node-local session " + SessionIds.fingerprint(session.getIdInternal())
                    + " is in Redis now");
        }
    }

    /** Releases the shared object a request acquired, after that request saved it. */
    void release(RedisSession session) {
        shared.release(session);
    }

    /** The fallback of {@link RedisSession#endAccess()}: logs instead of throwing. */
    void saveQuietly(RedisSession session, String when) {
        try {
            saveAtRequestEnd(session, false);
        } catch (RuntimeException e) {
            log.error("redis-sessions: session " + SessionIds.fingerprint(session.getIdInternal())
                    + " could not be saved " + when + ": " + e.getMessage());
        }
    }

    private void keepLocally(RedisSession session) {
        session.setLocal(true);
        sessions.put(session.getIdInternal(), session);
    }

    /**
     * Deletes an invalidated session in Redis. TRUE if this call removed it (this node runs the
     * listeners), FALSE if it was gone already, null if Redis could not be asked and the session
     * is invalidated on this node only (failureMode=local).
     *
     * @throws SessionStoreUnavailableException otherwise, when Redis could not be asked
     */
    Boolean invalidateInStore(RedisSession session) {
        SessionService s = service();
        try {
            return s.invalidate(session.state().id());
        } catch (SessionStoreException e) {
            FailureAnswer.react(s, e, "invalidate session " + SessionIds.fingerprint(session.getIdInternal()));
            return null;
        }
    }

    /**
     * Gives a stored session a new id in Redis and opens it under that id: null when it is gone
     * there (or, failureMode=local, out of reach).
     *
     * @throws SessionStoreUnavailableException otherwise, when Redis could not do it
     */
    SessionState changeIdInStore(SessionState old, String newClusterId) {
        SessionService s = service();
        try {
            return s.changeId(old, newClusterId) ? s.open(newClusterId) : null;
        } catch (SessionStoreException e) {
            FailureAnswer.react(s, e, "change the id of session " + SessionIds.fingerprint(old.id()));
            return null;
        }
    }

    /** Forgets a session that is being invalidated: requests that come later ask Redis. */
    void invalidated(RedisSession session) {
        shared.forget(session);
    }

    // ================================================================== settings (context.xml attributes)

    Clock clock() {
        return clock;
    }

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
     * Checks every setting, as the context starts.
     *
     * @throws ConfigurationException naming the first bad setting
     */
    void validateSettings() {
        settings.validate();
    }

    /** Every setting as it is in effect, secrets masked. */
    public String getConfiguration() {
        return config.describe().toString();
    }

    /**
     * Any setting of {@link Settings} by name, from its text: Tomcat's digester calls this for a
     * {@code <Manager>} attribute that has no setter of its own (and for a number that its typed
     * setter could not take). A text that does not parse stops the context when it starts, with
     * the setting's name in the message. JMX shows every setting through
     * {@link RedisSessionManagerMBean}, so there is no getter per setting.
     *
     * @return false if no setting has that name
     */
    public boolean setProperty(String name, String value) {
        return settings.setText(name, value);
    }

    // Typed setters for Java callers. The String overloads of numbers are what the digester finds
    // first (it cannot convert a text to a double itself, and would drop a bad int silently).

    public void setUri(String uri) { settings.set(Settings.URI, uri); }
    public void setUser(String user) { settings.set(Settings.USER, user); }
    public void setPassword(String password) { settings.set(Settings.PASSWORD, password); }
    public void setNamespace(String namespace) { settings.set(Settings.NAMESPACE, namespace); }
    public void setCodec(String codec) { settings.set(Settings.CODEC, codec); }
    public void setAllowedClasses(String allowedClasses) { settings.set(Settings.ALLOWED_CLASSES, allowedClasses); }
    public void setConnectTimeoutMillis(int v) { settings.set(Settings.CONNECT_TIMEOUT_MILLIS, v); }
    public void setConnectTimeoutMillis(String v) { setProperty(Settings.CONNECT_TIMEOUT_MILLIS.name(), v); }
    public void setSocketTimeoutMillis(int v) { settings.set(Settings.SOCKET_TIMEOUT_MILLIS, v); }
    public void setSocketTimeoutMillis(String v) { setProperty(Settings.SOCKET_TIMEOUT_MILLIS.name(), v); }
    public void setPoolMaxTotal(int v) { settings.set(Settings.POOL_MAX_TOTAL, v); }
    public void setPoolMaxTotal(String v) { setProperty(Settings.POOL_MAX_TOTAL.name(), v); }
    public void setPoolMaxWaitMillis(int v) { settings.set(Settings.POOL_MAX_WAIT_MILLIS, v); }
    public void setPoolMaxWaitMillis(String v) { setProperty(Settings.POOL_MAX_WAIT_MILLIS.name(), v); }
    public void setClientName(String clientName) { settings.set(Settings.CLIENT_NAME, clientName); }
    public void setTlsTrustStore(String v) { settings.set(Settings.TLS_TRUST_STORE, v); }
    public void setTlsTrustStorePassword(String v) { settings.set(Settings.TLS_TRUST_STORE_PASSWORD, v); }
    public void setTlsKeyStore(String v) { settings.set(Settings.TLS_KEY_STORE, v); }
    public void setTlsKeyStorePassword(String v) { settings.set(Settings.TLS_KEY_STORE_PASSWORD, v); }
    public void setKeyPrefix(String keyPrefix) { settings.set(Settings.KEY_PREFIX, keyPrefix); }
    public void setNodeId(String nodeId) { settings.set(Settings.NODE_ID, nodeId); }
    public void setExpiryGraceSeconds(int v) { settings.set(Settings.EXPIRY_GRACE_SECONDS, v); }
    public void setExpiryGraceSeconds(String v) { setProperty(Settings.EXPIRY_GRACE_SECONDS.name(), v); }
    public void setTouchIntervalFraction(double v) { settings.set(Settings.TOUCH_INTERVAL_FRACTION, v); }
    public void setTouchIntervalFraction(String v) { setProperty(Settings.TOUCH_INTERVAL_FRACTION.name(), v); }
    public void setCompressionThresholdBytes(int v) { settings.set(Settings.COMPRESSION_THRESHOLD_BYTES, v); }
    public void setCompressionThresholdBytes(String v) { setProperty(Settings.COMPRESSION_THRESHOLD_BYTES.name(), v); }
    public void setSigningKey(String signingKey) { settings.set(Settings.SIGNING_KEY, signingKey); }
    public void setFailureMode(String failureMode) { settings.set(Settings.FAILURE_MODE, failureMode); }
}
