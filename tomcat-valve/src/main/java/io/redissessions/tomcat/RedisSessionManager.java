package io.redissessions.tomcat;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.FailureMode;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.IdsInShard;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionKeys;
import io.redissessions.core.store.SessionState;
import org.apache.catalina.Authenticator;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Session;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardContext;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

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
 *
 * <p>The settings, the JMX counters and the bookkeeping of Redis failures are inherited from
 * {@link RedisSessionManagerBase}; expired sessions are claimed by {@link ExpiredSessionClaimer}.
 */
public class RedisSessionManager extends RedisSessionManagerBase {

    private static final Log log = LogFactory.getLog(RedisSessionManager.class);
    private final ExpiredSessionClaimer expiry = new ExpiredSessionClaimer(this);

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
            validateSettings();
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
        store = new RedisSessionStore(config, namespace, clock());
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
        expiry.claimExpired(s);
    }

    // ================================================================== called by sessions and the valve

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
}
