package io.redissessions.jetty;

import io.redissessions.core.SessionStoreConfig;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.util.annotation.ManagedAttribute;

import java.util.Objects;

/**
 * The settings of {@link RedisSessionDataStore} and their JMX face (secrets masked), kept together
 * in one place; nothing else. Jetty's JMX collects annotated getters from the class of the managed
 * object and all its superclasses, so they show on the store's MBean as if declared there. Not to
 * be extended outside this package.
 */
public abstract class RedisSessionDataStoreBase extends AbstractSessionDataStore {

    private final SessionStoreConfig config;

    RedisSessionDataStoreBase(SessionStoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The settings; change them before the store starts. */
    public SessionStoreConfig getConfig() {
        return config;
    }

    /** The namespace in effect (the setting, or the one derived from the context path); null before the first start. */
    abstract String namespaceInEffect();

    /** The node id written with each save; null before the first start. */
    abstract String nodeIdInEffect();

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
    public String getNamespace() {
        String namespace = namespaceInEffect();
        return namespace != null ? namespace : setting("namespace");
    }

    @ManagedAttribute("Prefix of every key")
    public String getKeyPrefix() { return setting("keyPrefix"); }

    @ManagedAttribute("Node id written with every save")
    public String getNodeId() {
        String nodeId = nodeIdInEffect();
        return nodeId != null ? nodeId : setting("nodeId");
    }

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
}
