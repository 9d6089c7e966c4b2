package io.redissessions.jetty;

import io.redissessions.core.SessionStoreConfig;
import org.eclipse.jetty.session.AbstractSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;

import java.time.Clock;
import java.util.Objects;

/**
 * Makes a {@link RedisSessionDataStore} for every context of a server:
 * {@code server.addBean(factory)}, or the jetty-home module {@code session-store-redis}
 * (bean id {@code sessionDataStoreFactory}).
 *
 * <p>Every setting of the store is a setter with the same name ({@code setUri},
 * {@code setNamespace}, {@code setCodec}, {@code setAllowedClasses}, ...; see docs/jetty.md and
 * docs/configuration.md), plus Jetty's own {@code gracePeriodSec} and {@code savePeriodSec}.
 * Settings are checked when a context starts; a bad one stops that context with a message naming
 * it. Use {@link RedisSessionCacheFactory} with it for a non-sticky cluster.
 */
@ManagedObject("Makes the Redis session store of each context")
public class RedisSessionDataStoreFactory extends AbstractSessionDataStoreFactory {

    private final SessionStoreConfig settings = new SessionStoreConfig();
    private Clock clock = Clock.systemUTC();

    @Override
    public SessionDataStore getSessionDataStore(SessionManager manager) {
        RedisSessionDataStore store = new RedisSessionDataStore(copySettings());
        store.setGracePeriodSec(getGracePeriodSec());
        store.setSavePeriodSec(getSavePeriodSec());
        store.setClock(clock);
        return store;
    }

    /** A fresh copy of the settings: each context's store owns its own. */
    SessionStoreConfig copySettings() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(settings.getUri());
        c.setUser(settings.getUser());
        c.setPassword(settings.getPassword());
        c.setConnectTimeoutMillis(settings.getConnectTimeoutMillis());
        c.setSocketTimeoutMillis(settings.getSocketTimeoutMillis());
        c.setPoolMaxTotal(settings.getPoolMaxTotal());
        c.setPoolMaxWaitMillis(settings.getPoolMaxWaitMillis());
        c.setClientName(settings.getClientName());
        c.setTlsTrustStore(settings.getTlsTrustStore());
        c.setTlsTrustStorePassword(settings.getTlsTrustStorePassword());
        c.setTlsKeyStore(settings.getTlsKeyStore());
        c.setTlsKeyStorePassword(settings.getTlsKeyStorePassword());
        c.setKeyPrefix(settings.getKeyPrefix());
        c.setNamespace(settings.getNamespace());
        c.setNodeId(settings.getNodeId());
        c.setExpiryGraceSeconds(settings.getExpiryGraceSeconds());
        c.setTouchIntervalFraction(settings.getTouchIntervalFraction());
        c.setCodec(settings.getCodec());
        c.setAllowedClasses(settings.getAllowedClasses());
        c.setCompressionThresholdBytes(settings.getCompressionThresholdBytes());
        c.setSigningKey(settings.getSigningKey());
        c.setFailureMode(settings.getFailureMode());
        return c;
    }

    /** The time source of the stores' expiry decisions. */
    public void setClock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ------------------------------------------------------------------ settings

    /** Sets the uri: Redis URI: redis://, rediss://, unix://, redis-sentinel://, redis-cluster://. */
    public void setUri(String value) {
        settings.setUri(value);
    }

    @ManagedAttribute("Redis URI: redis://, rediss://, unix://, redis-sentinel://, redis-cluster://")
    public String getUri() {
        return settings.describe().get("uri");
    }

    /** Sets the user: ACL user name (overrides the URI's). */
    public void setUser(String value) {
        settings.setUser(value);
    }

    @ManagedAttribute("ACL user name (overrides the URI's)")
    public String getUser() {
        return settings.getUser();
    }

    /** Sets the password: password (overrides the URI's); never logged. */
    public void setPassword(String value) {
        settings.setPassword(value);
    }

    @ManagedAttribute("password (overrides the URI's); never logged (masked)")
    public String getPassword() {
        return settings.getPassword() == null ? null : "****";
    }

    /** Sets the connectTimeoutMillis: time to open a connection (ms). */
    public void setConnectTimeoutMillis(int value) {
        settings.setConnectTimeoutMillis(value);
    }

    @ManagedAttribute("time to open a connection (ms)")
    public int getConnectTimeoutMillis() {
        return settings.getConnectTimeoutMillis();
    }

    /** Sets the socketTimeoutMillis: time to wait for an answer (ms). */
    public void setSocketTimeoutMillis(int value) {
        settings.setSocketTimeoutMillis(value);
    }

    @ManagedAttribute("time to wait for an answer (ms)")
    public int getSocketTimeoutMillis() {
        return settings.getSocketTimeoutMillis();
    }

    /** Sets the poolMaxTotal: most pooled connections per context. */
    public void setPoolMaxTotal(int value) {
        settings.setPoolMaxTotal(value);
    }

    @ManagedAttribute("most pooled connections per context")
    public int getPoolMaxTotal() {
        return settings.getPoolMaxTotal();
    }

    /** Sets the poolMaxWaitMillis: longest wait for a pooled connection (ms). */
    public void setPoolMaxWaitMillis(int value) {
        settings.setPoolMaxWaitMillis(value);
    }

    @ManagedAttribute("longest wait for a pooled connection (ms)")
    public int getPoolMaxWaitMillis() {
        return settings.getPoolMaxWaitMillis();
    }

    /** Sets the clientName: CLIENT SETNAME of every connection. */
    public void setClientName(String value) {
        settings.setClientName(value);
    }

    @ManagedAttribute("CLIENT SETNAME of every connection")
    public String getClientName() {
        return settings.getClientName();
    }

    /** Sets the tlsTrustStore: PKCS12/JKS trust store for rediss://. */
    public void setTlsTrustStore(String value) {
        settings.setTlsTrustStore(value);
    }

    @ManagedAttribute("PKCS12/JKS trust store for rediss://")
    public String getTlsTrustStore() {
        return settings.getTlsTrustStore();
    }

    /** Sets the tlsTrustStorePassword: its password. */
    public void setTlsTrustStorePassword(String value) {
        settings.setTlsTrustStorePassword(value);
    }

    @ManagedAttribute("its password (masked)")
    public String getTlsTrustStorePassword() {
        return settings.getTlsTrustStorePassword() == null ? null : "****";
    }

    /** Sets the tlsKeyStore: PKCS12/JKS key store with a client certificate. */
    public void setTlsKeyStore(String value) {
        settings.setTlsKeyStore(value);
    }

    @ManagedAttribute("PKCS12/JKS key store with a client certificate")
    public String getTlsKeyStore() {
        return settings.getTlsKeyStore();
    }

    /** Sets the tlsKeyStorePassword: its password. */
    public void setTlsKeyStorePassword(String value) {
        settings.setTlsKeyStorePassword(value);
    }

    @ManagedAttribute("its password (masked)")
    public String getTlsKeyStorePassword() {
        return settings.getTlsKeyStorePassword() == null ? null : "****";
    }

    /** Sets the keyPrefix: prefix of every key. */
    public void setKeyPrefix(String value) {
        settings.setKeyPrefix(value);
    }

    @ManagedAttribute("prefix of every key")
    public String getKeyPrefix() {
        return settings.getKeyPrefix();
    }

    /** Sets the namespace: which sessions this context shares (default: from the context path). */
    public void setNamespace(String value) {
        settings.setNamespace(value);
    }

    @ManagedAttribute("which sessions this context shares (default: from the context path)")
    public String getNamespace() {
        return settings.getNamespace();
    }

    /** Sets the nodeId: written with every save (default: Jetty's worker name). */
    public void setNodeId(String value) {
        settings.setNodeId(value);
    }

    @ManagedAttribute("written with every save (default: Jetty's worker name)")
    public String getNodeId() {
        return settings.getNodeId();
    }

    /** Sets the expiryGraceSeconds: how long expired data stays readable for listeners (s). */
    public void setExpiryGraceSeconds(int value) {
        settings.setExpiryGraceSeconds(value);
    }

    @ManagedAttribute("how long expired data stays readable for listeners (s)")
    public int getExpiryGraceSeconds() {
        return settings.getExpiryGraceSeconds();
    }

    /** Sets the touchIntervalFraction: a bare access time is written when older than this fraction of the max inactive interval. */
    public void setTouchIntervalFraction(double value) {
        settings.setTouchIntervalFraction(value);
    }

    @ManagedAttribute("a bare access time is written when older than this fraction of the max inactive interval")
    public double getTouchIntervalFraction() {
        return settings.getTouchIntervalFraction();
    }

    /** Sets the codec: json or java. */
    public void setCodec(String value) {
        settings.setCodec(value);
    }

    @ManagedAttribute("json or java")
    public String getCodec() {
        return settings.getCodec();
    }

    /** Sets the allowedClasses: classes allowed in sessions besides built-in value types. */
    public void setAllowedClasses(String value) {
        settings.setAllowedClasses(value);
    }

    @ManagedAttribute("classes allowed in sessions besides built-in value types")
    public String getAllowedClasses() {
        return settings.getAllowedClasses();
    }

    /** Sets the compressionThresholdBytes: values at least this large are compressed (bytes, 0 = off). */
    public void setCompressionThresholdBytes(int value) {
        settings.setCompressionThresholdBytes(value);
    }

    @ManagedAttribute("values at least this large are compressed (bytes, 0 = off)")
    public int getCompressionThresholdBytes() {
        return settings.getCompressionThresholdBytes();
    }

    /** Sets the signingKey: HMAC key that signs every value. */
    public void setSigningKey(String value) {
        settings.setSigningKey(value);
    }

    @ManagedAttribute("HMAC key that signs every value (masked)")
    public String getSigningKey() {
        return settings.getSigningKey() == null ? null : "****";
    }

    /** Sets the failureMode: fail (503 while Redis is down) or local. */
    public void setFailureMode(String value) {
        settings.setFailureMode(value);
    }

    @ManagedAttribute("fail (503 while Redis is down) or local")
    public String getFailureMode() {
        return settings.getFailureMode();
    }

    @Override
    public String toString() {
        return "RedisSessionDataStoreFactory" + settings.describe();
    }
}
