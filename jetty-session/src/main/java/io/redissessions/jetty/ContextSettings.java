package io.redissessions.jetty;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.DerivedNamespaces;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.Settings;
import io.redissessions.core.SettingsView;
import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.session.SessionContext;
import org.eclipse.jetty.session.SessionManager;

import java.util.List;

/**
 * The settings a start of {@link RedisSessionDataStore} takes from its Jetty context, and the one it
 * checks against it: the namespace derived from the context path and virtual hosts when none is
 * set (claimed on the server until the store stops), the node id from Jetty's worker name when
 * none is set, and the refusal of a lockingMode this context cannot honour. Not thread-safe: the
 * store's start and stop call it.
 */
final class ContextSettings {

    private final SessionStoreConfig config;
    private final SettingsView settingsView;
    /** The nodeId setting was taken from Jetty's worker name by a previous start, not set by the user. */
    private boolean nodeIdFromWorkerName;
    /** A derived namespace, claimed on the server while started; null when the setting is given. */
    private DerivedNamespaces.Claim namespaceClaim;

    ContextSettings(SessionStoreConfig config, SettingsView settingsView) {
        this.config = config;
        this.settingsView = settingsView;
    }

    /**
     * Refuses {@code lockingMode} other than {@code none} when this context cannot lock its
     * sessions: the locks are taken and released by {@link RedisSessionCache}, with the save that
     * {@link SaveBeforeResponse} makes, which only a session handler that is a handler wrapper
     * (ee10, ee11, core) gets. A node that ignored the setting would run its requests unlocked,
     * also next to nodes that lock, and lose what the setting promises to keep.
     */
    void requireLockingSupported(SessionManager manager) {
        if (!config.lockingModeValue().isOn()) {
            return;
        }
        if (manager == null || !(manager.getSessionCache() instanceof RedisSessionCache cache) || !cache.canLock()) {
            throw new ConfigurationException(Settings.LOCKING_MODE.name(), config.get(Settings.LOCKING_MODE),
                    "none: locking needs redis-sessions' session cache (RedisSessionCacheFactory, jetty-home module "
                    + "session-cache-redis) in an ee10, ee11 or core context; this context has "
                    + (manager == null ? "no session manager" : manager.getSessionCache() + " in " + manager.getClass().getName())
                    + ", and running its requests unlocked would lose what the setting is set for");
        }
    }

    /**
     * The namespace of this start: the setting, or else the one derived from the context path and
     * the context's virtual hosts ({@link SessionStoreConfig#defaultNamespace}), claimed on this
     * server: a second context of the server that derives the same one refuses to start
     * ({@link DerivedNamespaces}). The claim is keyed by the server's session id manager (else
     * {@code store}) and owned by the context (else {@code store}).
     */
    String namespace(SessionContext context, String contextPath, Object store) {
        if (config.getNamespace() != null) {
            return config.getNamespace();
        }
        Context ctx = context.getContext();
        List<String> vhosts = ctx == null || ctx.getVirtualHosts() == null ? List.of() : ctx.getVirtualHosts();
        String derived = SessionStoreConfig.defaultNamespace(contextPath, vhosts);
        try {
            SessionStoreConfig.checkNamespace(derived);
        } catch (ConfigurationException e) {
            throw new ConfigurationException("namespace", derived, "derived from the context path and virtual hosts,"
                    + " and not usable as one: 1 to 200 characters. Set the namespace setting");
        }
        SessionManager manager = context.getSessionManager();
        Object server = manager != null && manager.getSessionIdManager() != null ? manager.getSessionIdManager() : store;
        namespaceClaim = DerivedNamespaces.claim(server, settingsView.text(Settings.URI) + "|" + config.getKeyPrefix(),
                derived, ctx == null ? store : ctx, "context [" + contextPath + "]" + (vhosts.isEmpty() ? ""
                        : " of virtual hosts " + vhosts));
        return derived;
    }

    /**
     * Takes the nodeId setting from Jetty's worker name when none is set, again at each start (a
     * worker name taken by a previous start does not count as set).
     */
    void takeNodeId(String workerName) {
        if (nodeIdFromWorkerName) {
            config.setNodeId(null); // taken from the worker name at the previous start: take it again
            nodeIdFromWorkerName = false;
        }
        if (config.getNodeId() == null && workerName != null && !workerName.isBlank()) {
            config.setNodeId(workerName);
            nodeIdFromWorkerName = true;
        }
    }

    /** Gives back the derived namespace claimed by the last start, if any (at stop, or a failed start). */
    void releaseNamespace() {
        DerivedNamespaces.Claim claim = namespaceClaim;
        namespaceClaim = null;
        if (claim != null) {
            claim.release();
        }
    }
}
