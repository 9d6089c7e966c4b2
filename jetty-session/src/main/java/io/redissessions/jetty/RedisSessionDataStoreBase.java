package io.redissessions.jetty;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.Settings;
import io.redissessions.core.SettingsView;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.StoreMetrics;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.util.annotation.ManagedAttribute;

import java.util.Objects;

/**
 * The settings and shared state of {@link RedisSessionDataStore}, and their JMX face: counters as
 * {@link ManagedAttribute} getters (Jetty's JMX collects annotated getters from the class of the
 * managed object and all its superclasses, so they show on the store's MBean as if declared
 * there), and every setting of the table (secrets masked) through {@link #settingsView()}, which
 * {@code jmx.RedisSessionDataStoreMBean} answers from. Not to be extended outside this package.
 */
public abstract class RedisSessionDataStoreBase extends AbstractSessionDataStore {

    final SessionStoreConfig config;
    /** The shared store; null before start. */
    volatile RedisSessionStore store;
    /** This context's namespace; null before the first start. */
    String namespace;

    private final SettingsView settingsView;

    RedisSessionDataStoreBase(SessionStoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.settingsView = new SettingsView(config)
                .inEffect(Settings.NAMESPACE, () -> namespace)
                .inEffect(Settings.NODE_ID, () -> {
                    RedisSessionStore running = store;
                    return running == null ? null : running.nodeId();
                });
    }

    /** The settings; change them before the store starts. */
    public SessionStoreConfig getConfig() {
        return config;
    }

    /** The shared store; null before start. */
    RedisSessionStore store() {
        return store;
    }

    /** This context's namespace; null before the first start. */
    String namespace() {
        return namespace;
    }

    /** Failure and availability tracking. */
    abstract RedisAvailability availability();

    // ------------------------------------------------------------------ JMX: settings

    /**
     * The settings as JMX shows them: secrets masked, the namespace and node id in effect once
     * started. {@code jmx.RedisSessionDataStoreMBean} answers every setting from it.
     */
    public SettingsView settingsView() {
        return settingsView;
    }

    /** The setting of that name as JMX shows it, as text. */
    String setting(String name) {
        return settingsView.text(Settings.named(name));
    }

    // Getters of the settings JMX always showed, for Java callers.
    public String getUri() { return settingsView.text(Settings.URI); }
    public String getUser() { return settingsView.text(Settings.USER); }
    public String getPassword() { return settingsView.text(Settings.PASSWORD); }
    public String getNamespace() { return settingsView.text(Settings.NAMESPACE); }
    public String getKeyPrefix() { return settingsView.text(Settings.KEY_PREFIX); }
    public String getNodeId() { return settingsView.text(Settings.NODE_ID); }
    public String getCodec() { return settingsView.text(Settings.CODEC); }
    public String getAllowedClasses() { return settingsView.text(Settings.ALLOWED_CLASSES); }
    public int getCompressionThresholdBytes() { return config.getCompressionThresholdBytes(); }
    public String getSigningKey() { return settingsView.text(Settings.SIGNING_KEY); }
    public String getFailureMode() { return settingsView.text(Settings.FAILURE_MODE); }
    public int getConnectTimeoutMillis() { return config.getConnectTimeoutMillis(); }
    public int getSocketTimeoutMillis() { return config.getSocketTimeoutMillis(); }
    public int getPoolMaxTotal() { return config.getPoolMaxTotal(); }
    public int getPoolMaxWaitMillis() { return config.getPoolMaxWaitMillis(); }
    public String getClientName() { return settingsView.text(Settings.CLIENT_NAME); }
    public String getTlsTrustStore() { return settingsView.text(Settings.TLS_TRUST_STORE); }
    public String getTlsKeyStore() { return settingsView.text(Settings.TLS_KEY_STORE); }
    public int getExpiryGraceSeconds() { return config.getExpiryGraceSeconds(); }
    public double getTouchIntervalFraction() { return config.getTouchIntervalFraction(); }

    // ------------------------------------------------------------------ JMX: counters

    private StoreMetrics metrics() {
        RedisSessionStore s = store;
        return s == null ? new StoreMetrics() : s.metrics();
    }

    @ManagedAttribute("Sessions loaded (round trips that read a session)")
    public long getLoads() { return metrics().getLoads(); }

    @ManagedAttribute("Loads that found no session")
    public long getLoadMisses() { return metrics().getLoadMisses(); }

    @ManagedAttribute("Sessions written")
    public long getSaves() { return metrics().getSaves(); }

    @ManagedAttribute("Saves skipped because nothing changed")
    public long getSkippedWrites() { return metrics().getSkippedWrites(); }

    @ManagedAttribute("Saves refused because the session was deleted, expired or its id taken meanwhile")
    public long getSaveConflicts() { return metrics().getSaveConflicts(); }

    @ManagedAttribute("Sessions deleted")
    public long getDeletes() { return metrics().getDeletes(); }

    @ManagedAttribute("Expired sessions claimed by this node")
    public long getExpiredClaimed() { return metrics().getExpiredClaimed(); }

    @ManagedAttribute("Bytes read from Redis")
    public long getBytesRead() { return metrics().getBytesRead(); }

    @ManagedAttribute("Bytes written to Redis")
    public long getBytesWritten() { return metrics().getBytesWritten(); }

    @ManagedAttribute("Attributes or sessions that could not be decoded (treated as absent)")
    public long getDecodeFailures() { return metrics().getDecodeFailures(); }

    @ManagedAttribute("Attributes that could not be encoded at save time (not written)")
    public long getEncodeFailures() { return metrics().getEncodeFailures(); }

    @ManagedAttribute("Redis calls that failed")
    public long getRedisErrors() { return metrics().getRedisErrors(); }

    @ManagedAttribute("Redis round trips")
    public long getRoundTrips() { return metrics().getRoundTrips(); }

    @ManagedAttribute("Mean Redis round-trip latency (microseconds)")
    public long getMeanLatencyMicros() { return metrics().getMeanLatencyMicros(); }

    @ManagedAttribute("Loads, saves and deletes served node-locally while Redis was down (failureMode=local)")
    public long getLocalFallbacks() { return availability().localFallbacks(); }

    @ManagedAttribute("Whether Redis answered the last call")
    public boolean isRedisReachable() { return availability().isReachable(); }
}
