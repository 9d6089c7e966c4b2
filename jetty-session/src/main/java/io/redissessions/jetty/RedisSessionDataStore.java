package io.redissessions.jetty;

import io.redissessions.core.SessionIds;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.Settings;
import io.redissessions.core.SettingsView;
import io.redissessions.core.StoreLog;
import io.redissessions.core.session.FailureReaction;
import io.redissessions.core.session.SessionService;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionKeys;
import io.redissessions.core.store.SessionState;
import io.redissessions.core.store.StoreMetrics;
import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Jetty {@link org.eclipse.jetty.session.SessionDataStore} on the shared session policy
 * ({@link SessionService}, wire format 1), for one context. Usually made by
 * {@link RedisSessionDataStoreFactory}. This class translates Jetty's store contract onto the
 * policy and keeps only Jetty's reaction to failures.
 *
 * <ul>
 *   <li>Load: one round trip; attributes are decoded lazily with the webapp's class loader.</li>
 *   <li>Store: at most one round trip, writing only what changed (attributes set, removed or changed
 *       in place) and a bare access time only when the touch interval has passed.</li>
 *   <li>Delete: returns true only to the caller whose delete removed the session, so that the
 *       {@link RedisSessionCache} runs the listeners on exactly one node.</li>
 *   <li>Expiry: {@link #getExpired} claims expired sessions from the store's expiry index at every
 *       scavenge, whatever the grace period; each expired session is handed to exactly one node.</li>
 *   <li>Redis unavailable: Jetty starts, and the store recovers by itself. With {@code failureMode=fail}
 *       loads and saves fail (the {@link RedisSessionCache} turns that into HTTP 503); with
 *       {@code local} sessions are kept in this node's memory until Redis is back. An overloaded
 *       node (no free pooled connection) always fails.</li>
 * </ul>
 */
@ManagedObject("Jetty sessions kept in Redis (redis-sessions)")
public class RedisSessionDataStore extends AbstractSessionDataStore implements RedisSessionCounters {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionDataStore.class);
    private static final StoreMetrics NOT_STARTED = new StoreMetrics();

    private final StoreLog log = new Slf4jStoreLog(LOG);
    private final LocalSessions local = new LocalSessions(LOG);
    private final FailedLookups failedLookups = new FailedLookups();
    private Clock clock = Clock.systemUTC();
    private final SessionStoreConfig config;
    /** What each start takes from the context: namespace, node id; and its lockingMode check. */
    private final ContextSettings contextSettings;
    private final SettingsView settingsView;
    private ClassLoader loader;
    /** How this context's authenticators keep their login state (core or a nested environment). */
    private LoginExtras login = LoginExtras.NONE;
    /** The policy of this context; null before the first start. */
    private volatile SessionService service;
    private volatile String namespace;
    /** The warning that id changes are not atomic with this server's id manager was logged. */
    private volatile boolean idManagerWarned;

    public RedisSessionDataStore() {
        this(new SessionStoreConfig());
    }

    /**
     * A store with these settings (not to be shared with another store). It opens its own pool of
     * connections when it starts and closes it when it stops.
     */
    public RedisSessionDataStore(SessionStoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.settingsView = new SettingsView(config)
                .inEffect(Settings.NAMESPACE, () -> namespace)
                .inEffect(Settings.NODE_ID, () -> {
                    SessionService s = service;
                    return s == null ? null : s.nodeId();
                });
        this.contextSettings = new ContextSettings(config, settingsView);
    }

    /** The settings; change them before the store starts. */
    public SessionStoreConfig getConfig() {
        return config;
    }

    /**
     * The settings as JMX shows them: secrets masked, the namespace and node id in effect once
     * started. {@code jmx.RedisSessionDataStoreMBean} answers every setting from it.
     */
    public SettingsView settingsView() {
        return settingsView;
    }

    /** The namespace in effect: the setting, or the one derived from the context path once started. */
    public String getNamespace() {
        return settingsView.text(Settings.NAMESPACE);
    }

    /** The node id written with each save, once started; else the setting. */
    public String getNodeId() {
        return settingsView.text(Settings.NODE_ID);
    }

    /** The time source for expiry decisions (the stored expiry is compared with it). */
    public void setClock(Clock clock) {
        checkStarted();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    protected void doStart() throws Exception {
        JettyVersion.requireSupported();
        if (_context == null) {
            throw new IllegalStateException("No SessionContext");
        }
        contextSettings.requireLockingSupported(_context.getSessionManager());
        Context ctx = _context.getContext();
        String contextPath = ctx == null ? "/" : ctx.getContextPath();
        namespace = contextSettings.namespace(_context, contextPath, this);
        contextSettings.takeNodeId(_context.getWorkerName());
        loader = ctx != null && ctx.getClassLoader() != null ? ctx.getClassLoader()
                : Thread.currentThread().getContextClassLoader();
        login = LoginExtras.forManager(_context.getSessionManager());
        // connections are opened lazily: Jetty starts while Redis is down
        try {
            service = new SessionService(config, namespace, "context [" + contextPath + "]", clock, log);
        } catch (RuntimeException e) {
            contextSettings.releaseNamespace();
            throw e;
        }
        service.start();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        SessionService s = service;
        if (s != null) {
            s.close();
        }
        local.clear();
        contextSettings.releaseNamespace();
    }

    /** Jetty's canonical form of this context's path, as in {@link SessionData#getContextPath()}. */
    String canonicalContextPath() {
        return _context.getCanonicalContextPath();
    }

    SessionService service() {
        SessionService s = service;
        if (s == null) {
            throw new IllegalStateException("redis-sessions: the store is not started");
        }
        return s;
    }

    /** The shared store, for tests that read what it wrote. */
    RedisSessionStore store() {
        return service().store();
    }

    long now() {
        return clock.millis();
    }

    // ------------------------------------------------------------------ SessionDataStore

    @Override
    public SessionData newSessionData(String id, long created, long accessed, long lastAccessed, long maxInactiveMs) {
        return new RedisSessionData(service(), id, _context.getCanonicalContextPath(), _context.getVhost(), created,
                accessed, lastAccessed, maxInactiveMs, loader, login);
    }

    @Override
    public boolean isPassivating() {
        // Attributes are decoded one by one on demand; activation listeners would decode them all.
        return false;
    }

    @Override
    public SessionData doLoad(String id) throws Exception {
        return load(id, false);
    }

    /**
     * Loads a session under its lock (lockingMode) for a request of this node: waits for the
     * session's other requests on this node, then takes the lock and reads the session in one round
     * trip, waiting (without polling) while a request elsewhere holds it. The data returned holds
     * the lock until {@link #unlock} (or a save made with {@link RedisSessionData#releaseLockWithSave})
     * releases it; an expired or node-local session (failureMode=local, Redis down) holds none.
     *
     * @return the session, or null when there is none (no lock is held then)
     * @throws SessionStoreException {@code LOCKED} when the lock stayed held for lockWaitMillis;
     *         as {@link #doLoad} when Redis fails
     */
    SessionData loadLocked(String id) throws Exception {
        return load(id, true);
    }

    private SessionData load(String id, boolean locked) throws Exception {
        SessionService s = service();
        failedLookups.loading();
        SessionState state;
        try {
            state = locked ? s.openLockedIncludingExpired(id) : s.openIncludingExpired(id);
        } catch (SessionStoreException e) {
            if (e.kind() == SessionStoreException.Kind.DATA) {
                // deleted, logged and counted by the policy; Jetty's contract wants this exception
                throw new UnreadableSessionDataException(id, _context, e);
            }
            failedLookups.failed(id, e);
            if (s.reactionTo(e) == FailureReaction.SERVE_LOCALLY) {
                local.servedLocally("load", id);
                return local.get(id);
            }
            throw e;
        }
        if (state == null) {
            // created on this node during an outage (failureMode=local): it is written at its next save
            return local.outageSession(id);
        }
        local.forget(id); // once Redis answers again, what it holds wins
        return RedisSessionData.loaded(s, state, _context.getCanonicalContextPath(), _context.getVhost(), loader, login);
    }

    /**
     * Ends a request's lock on the session {@code data} holds (lockingMode), without a save: a node
     * thread releases it right after. Nothing happens when it holds none, or the second time.
     */
    void unlock(SessionData data) {
        SessionService s = service;
        if (s != null && data instanceof RedisSessionData d && d.belongsTo(s)) {
            s.unlock(d.storedState());
        }
    }

    @Override
    public void store(String id, SessionData data) throws Exception {
        // Jetty skips doStore for sessions without setAttribute calls within savePeriodSec; an
        // attribute that was read may have changed in place, so let doStore compare the bytes.
        if (getSavePeriodSec() > 0 && data instanceof RedisSessionData d && d.mayHaveChanged()) {
            data.setDirty(true);
        }
        super.store(id, data);
    }

    @Override
    public void doStore(String id, SessionData data, long lastSaveTime) throws Exception {
        SessionService s = service();
        RedisSessionData d = data instanceof RedisSessionData r && r.belongsTo(s) ? r : copyOf(data);
        if (d.isGone()) {
            return; // deleted or expired meanwhile, or its id taken: refused once, not tried again
        }
        SessionState state = d.prepareSave(lastSaveTime <= 0 || d.isCreateRequired());
        if (!state.needsSave()) {
            s.metrics().skippedWrite();
            return;
        }
        d.addWrittenAlong();
        SaveResult result;
        try {
            // a locking request's last save releases the session's lock in the same round trip
            result = d.releasesLockWithSave() ? s.saveAndUnlock(state) : s.save(state);
        } catch (SessionStoreException e) {
            if (s.reactionTo(e) == FailureReaction.SERVE_LOCALLY) {
                local.servedLocally("save", id);
                local.keep(id, d);
                return;
            }
            throw e;
        }
        if (result == null) {
            return; // saved meanwhile by another request on this node
        }
        switch (result) {
            case SAVED -> {
                d.saved();
                local.forget(id);
            }
            case GONE, EXPIRED, ID_TAKEN -> d.gone();
            case REFUSED -> {
                // Redis refused this save's data: logged and counted by the policy; a later save may differ
            }
        }
    }

    /** A SessionData made elsewhere (not by this store since it started): stored as a whole. */
    private RedisSessionData copyOf(SessionData data) {
        RedisSessionData d = (RedisSessionData) newSessionData(data.getId(), data.getCreated(), data.getAccessed(),
                data.getLastAccessed(), data.getMaxInactiveMs());
        d.setExpiry(data.getExpiry());
        d.setLastNode(data.getLastNode());
        d.setCookieSet(data.getCookieSet());
        d.setLastSaved(data.getLastSaved());
        d.putAllAttributes(data.getAllAttributes());
        return d;
    }

    /**
     * Deletes a session.
     *
     * @return true only if this call removed it (from Redis, or from this node's memory during an
     *         outage with {@code failureMode=local}): exactly one caller across the cluster gets true
     */
    @Override
    public boolean delete(String id) throws Exception {
        SessionService s = service();
        try {
            boolean removed = s.invalidate(id);
            return local.forget(id) || removed;
        } catch (SessionStoreException e) {
            if (s.reactionTo(e) == FailureReaction.SERVE_LOCALLY) {
                local.servedLocally("delete", id);
                local.forget(id);
                return true; // as far as this node can tell: it serves the session on its own now
            }
            throw e;
        }
    }

    /**
     * Gives a session a new id in Redis, atomically when the new id is in the old id's shard
     * ({@link RedisSessionIdManager}); {@code data} goes on under the new id with what it holds.
     *
     * @return false when the stored session is gone (invalidated or expired elsewhere): nothing is
     *         stored under the new id then
     * @throws RedisSessionUnavailableException (503) when Redis cannot do it now ({@code failureMode=fail})
     */
    boolean changeId(RedisSessionData data, String newId) throws Exception {
        String oldId = data.getId();
        SessionService s = service();
        if (data.isUnsaved()) {
            data.renamedTo(newId); // nobody but this node knows it: it is created under the new id
            return true;
        }
        if (SessionKeys.shardOf(newId) != SessionKeys.shardOf(oldId)) {
            return changeIdNotAtomically(data, newId);
        }
        try {
            if (!s.changeId(data.storedState(), newId)) {
                return false;
            }
        } catch (SessionStoreException e) {
            if (s.reactionTo(e) == FailureReaction.SERVE_LOCALLY) {
                local.servedLocally("id change", oldId);
                local.forget(oldId);
                data.renamedTo(newId);
                data.requireCreate();
                local.keep(newId, data);
                return true;
            }
            if (e.kind() == SessionStoreException.Kind.REJECTED) {
                throw new IllegalStateException("redis-sessions: the new id of session " + SessionIds.fingerprint(oldId)
                        + " is taken", e);
            }
            throw new RedisSessionUnavailableException(s.failureMessage(e, "change a session id"), e);
        }
        data.renamedTo(newId);
        local.forget(oldId);
        return true;
    }

    /**
     * The id manager made the new id in another shard (it is not a {@link RedisSessionIdManager}):
     * the old session is deleted and the data created under the new id, in two steps. A session
     * that is gone already is not created again.
     */
    private boolean changeIdNotAtomically(RedisSessionData data, String newId) throws Exception {
        if (!idManagerWarned) {
            idManagerWarned = true;
            LOG.warn("redis-sessions: the session id manager of this server makes renewed ids in another shard than the "
                    + "old id, so id changes (at login) are a delete and a create instead of one atomic rename; use {} "
                    + "in place of {}", RedisSessionIdManager.class.getName(),
                    _context.getSessionManager().getSessionIdManager().getClass().getName());
        }
        if (!delete(data.getId())) {
            return false;
        }
        data.renamedTo(newId);
        data.requireCreate();
        store(newId, data); // at once, as Jetty does: until then no node knows the session
        return true;
    }

    /**
     * An expired session this node claimed, for its listeners, whatever its stored expiry; null when
     * it is gone.
     */
    SessionData loadClaimed(String id) throws Exception {
        SessionService s = service();
        SessionState state;
        try {
            state = s.expiry().openClaimed(id);
        } catch (SessionStoreException e) {
            if (e.kind() == SessionStoreException.Kind.DATA) {
                return null;
            }
            throw e;
        }
        return state == null ? null
                : RedisSessionData.loaded(s, state, _context.getCanonicalContextPath(), _context.getVhost(), loader, login);
    }

    /** Whether this node's last scavenge claimed this expired session and has not finished the claim. */
    boolean isClaimedHere(String id) {
        SessionService s = service;
        return s != null && s.expiry().isClaimed(id);
    }

    /**
     * Ends this node's claim on an expired session: deletes it unless it changed since the claim
     * (then it goes back to the expiry index). Never throws.
     *
     * @return whether it was deleted, so that its listeners run here
     */
    boolean finishClaim(String id) {
        return service().expiry().finish(id);
    }

    @Override
    public boolean doExists(String id) throws Exception {
        SessionService s = service();
        SessionStoreException failed = failedLookups.failureOf(id);
        if (failed != null) {
            return existsLocally(s, id, failed); // this request's load of it failed: do not pay again
        }
        try {
            return s.exists(id);
        } catch (SessionStoreException e) {
            return existsLocally(s, id, e);
        }
    }

    private boolean existsLocally(SessionService s, String id, SessionStoreException failure) {
        if (s.reactionTo(failure) == FailureReaction.SERVE_LOCALLY) {
            RedisSessionData d = local.get(id);
            return d != null && !d.isExpiredAt(now());
        }
        throw failure;
    }

    // ------------------------------------------------------------------ expiry

    /**
     * Verifies the candidates Jetty's cache holds, and claims every session whose stored expiry
     * has passed from the expiry index (each one goes to exactly one node across the cluster), at
     * every scavenge: unlike Jetty's default, whatever the grace period and not only at the first
     * scavenge after start.
     */
    @Override
    public Set<String> getExpired(Set<String> candidates) {
        if (!isStarted()) {
            throw new IllegalStateException("Not started");
        }
        long now = now();
        Set<String> expired = new HashSet<>();
        _context.run(() -> {
            expired.addAll(doCheckExpired(candidates, now));
            expired.addAll(service().expiry().claimPass());
            local.addExpired(expired, now); // failureMode=local: sessions kept here during an outage
        });
        if (now > _lastOrphanSweepTime + TimeUnit.SECONDS.toMillis(10L * getGracePeriodSec())) {
            try {
                cleanOrphans(now - TimeUnit.SECONDS.toMillis(10L * getGracePeriodSec()));
            } finally {
                _lastOrphanSweepTime = now;
            }
        }
        return expired;
    }

    /** Candidates that are expired in Redis or gone from it. One round trip each; a failure skips one. */
    @Override
    public Set<String> doCheckExpired(Set<String> candidates, long time) {
        Set<String> expired = new HashSet<>();
        for (String id : candidates) {
            try {
                if (!service().exists(id)) {
                    expired.add(id);
                }
            } catch (SessionStoreException e) {
                LOG.debug("redis-sessions: cannot check whether session {} expired, the next scavenge does", id);
            }
        }
        return expired;
    }

    /**
     * Claims sessions whose stored expiry has passed (regardless of {@code before}: the expiry index
     * hands each one to exactly one claimer, so there is no need to leave recent ones to their nodes).
     */
    @Override
    public Set<String> doGetExpired(long before) {
        return new HashSet<>(service().expiry().claimPass());
    }

    /**
     * Redis removes every session key by itself (TTL = expiry + grace), and every scavenge claims
     * this namespace's sessions whose stored expiry has passed (a claim whose node died comes back
     * after its lease). What is left for Jetty's sweep: deleting, without listeners, sessions whose
     * stored expiry is before {@code time} and that were never claimed (no node ran a scavenge for
     * that long, keys written without a TTL).
     */
    @Override
    public void doCleanOrphans(long time) {
        int dropped = service().expiry().dropExpiredBefore(time);
        if (dropped > 0) {
            LOG.info("redis-sessions: deleted {} sessions of namespace '{}' that expired long ago and were never claimed",
                    dropped, namespace);
        }
    }

    // ------------------------------------------------------------------ JMX counters (RedisSessionCounters)

    @Override
    public StoreMetrics metrics() {
        SessionService s = service;
        return s == null ? NOT_STARTED : s.metrics();
    }

    @Override
    public long getLocalFallbacks() {
        return local.served();
    }

    @Override
    public boolean isRedisReachable() {
        SessionService s = service;
        return s == null || s.availability().isReachable();
    }

    @Override
    public String toString() {
        return String.format("%s@%x[namespace=%s,uri=%s]", getClass().getSimpleName(), hashCode(), getNamespace(),
                settingsView.text(Settings.URI));
    }
}
