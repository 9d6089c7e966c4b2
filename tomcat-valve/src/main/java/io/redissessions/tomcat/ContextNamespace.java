package io.redissessions.tomcat;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.DerivedNamespaces;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.Settings;
import org.apache.catalina.Context;
import org.apache.catalina.Engine;
import org.apache.catalina.Host;

import java.util.List;

/**
 * The namespace of a context: the {@code namespace} setting, or one derived from the context's
 * path and, unless it is the engine's default host, its {@code <Host>}'s name
 * ({@link SessionStoreConfig#defaultNamespace}): two hosts' ROOT webapps do not share sessions,
 * and a single-host setup keeps the namespace it always had. A derived namespace is claimed on
 * the server ({@link DerivedNamespaces}): a second context of the node that derives the same one
 * (another service's default host, say) refuses to start.
 */
final class ContextNamespace {

    private final String name;
    private final DerivedNamespaces.Claim claim;

    private ContextNamespace(String name, DerivedNamespaces.Claim claim) {
        this.name = name;
        this.claim = claim;
    }

    /**
     * @throws ConfigurationException when the derived namespace cannot be a namespace (too long),
     *         or another context of the node derived it
     */
    static ContextNamespace of(Context context, SessionStoreConfig config) {
        if (config.getNamespace() != null) {
            return new ContextNamespace(config.getNamespace(), null);
        }
        Host host = context.getParent() instanceof Host h ? h : null;
        Engine engine = host != null && host.getParent() instanceof Engine e ? e : null;
        boolean defaultHost = host == null || engine == null || host.getName().equalsIgnoreCase(engine.getDefaultHost());
        String derived = SessionStoreConfig.defaultNamespace(context.getPath(),
                defaultHost ? List.of() : List.of(host.getName()));
        try {
            SessionStoreConfig.checkNamespace(derived);
        } catch (ConfigurationException e) {
            throw new ConfigurationException("namespace", derived, "derived from the context path and host, and "
                    + "not usable as one: 1 to 200 characters. Set the namespace setting");
        }
        Object node = engine == null ? context
                : engine.getService() != null && engine.getService().getServer() != null ? engine.getService().getServer()
                : engine;
        String hostName = host == null ? "" : host.getName();
        String claimant = (engine == null ? "" : engine.getName()) + "|" + hostName + "|" + context.getPath();
        DerivedNamespaces.Claim claim = DerivedNamespaces.claim(node,
                config.shownText(Settings.URI) + "|" + config.getKeyPrefix(), derived, claimant,
                "context [" + context.getName() + "] of host [" + hostName + "]");
        return new ContextNamespace(derived, claim);
    }

    String name() {
        return name;
    }

    /** Gives a derived namespace back, when the context stops. */
    void release() {
        if (claim != null) {
            claim.release();
        }
    }
}
