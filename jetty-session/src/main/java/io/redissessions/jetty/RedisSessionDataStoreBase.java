package io.redissessions.jetty;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.StoreMetrics;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.util.annotation.ManagedAttribute;

import java.util.Objects;

/**
 * The settings and shared state of {@link RedisSessionDataStore}, and their JMX face: settings
 * (secrets masked) and counters, as {@link ManagedAttribute} getters. Jetty's JMX collects annotated
 * getters from the class of the managed object and all its superclasses, so they show on the
 * store's MBean as if declared there. Not to be extended outside this package.
 */
public abstract class RedisSessionDataStoreBase extends AbstractSessionDataStore {

    final SessionStoreConfig config;
    /** The shared store; null before start. */
    volatile RedisSessionStore store;
    /** This context's namespace; null before the first start. */
    String namespace;

    RedisSessionDataStoreBase(SessionStoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
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

    String setting(String name) {
        return config.describe().get(name);
    }

    @ManagedAttribute("Redis URI (password masked)")
    public String getUri() { return setting("uri"); }

    @ManagedAttribute("Redis ACL user")
    public String getUser() { return setting("user"); }

    @ManagedAttribute("Redis password (always masked)")
    public String getPassword() { return setting("password"); }

    @ManagedAttribute("Namespace of this context's sessions")
    public String getNamespace() { return namespace != null ? namespace : setting("namespace"); }

    @ManagedAttribute("Prefix of every key")
    public String getKeyPrefix() { return setting("keyPrefix"); }

    @ManagedAttribute("Node id written with every save")
    public String getNodeId() { return store != null ? store.nodeId() : setting("nodeId"); }

    @ManagedAttribute("Attribute codec: json or java")
    public String getCodec() { return setting("codec"); }

    @ManagedAttribute("Classes allowed in sessions besides built-in value types")
    public String getAllowedClasses() { return setting("allowedClasses"); }

    @ManagedAttribute("Values at least this large are compressed (bytes, 0 = off)")
    public int getCompressionThresholdBytes() { return config.getCompressionThresholdBytes(); }

    @ManagedAttribute("HMAC signing key (always masked)")
    public String getSigningKey() { return setting("signingKey"); }

    @ManagedAttribute("What requests get while Redis is down: fail (503) or local")
    public String getFailureMode() { return setting("failureMode"); }

    @ManagedAttribute("Connect timeout (ms)")
    public int getConnectTimeoutMillis() { return config.getConnectTimeoutMillis(); }

    @ManagedAttribute("Socket (read) timeout (ms)")
    public int getSocketTimeoutMillis() { return config.getSocketTimeoutMillis(); }

    @ManagedAttribute("Most pooled connections")
    public int getPoolMaxTotal() { return config.getPoolMaxTotal(); }

    @ManagedAttribute("Longest wait for a pooled connection (ms)")
    public int getPoolMaxWaitMillis() { return config.getPoolMaxWaitMillis(); }

    @ManagedAttribute("Client name of the connections")
    public String getClientName() { return setting("clientName"); }

    @ManagedAttribute("TLS trust store path")
    public String getTlsTrustStore() { return setting("tlsTrustStore"); }

    @ManagedAttribute("TLS key store path")
    public String getTlsKeyStore() { return setting("tlsKeyStore"); }

    @ManagedAttribute("How long expired session data stays readable for listeners (s)")
    public int getExpiryGraceSeconds() { return config.getExpiryGraceSeconds(); }

    @ManagedAttribute("A bare access time is written when older than this fraction of the max inactive interval")
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
