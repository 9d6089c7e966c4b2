package io.redissessions.jetty;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.Settings;
import io.redissessions.core.SettingsView;
import org.eclipse.jetty.session.AbstractSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.util.annotation.ManagedObject;

import java.time.Clock;
import java.util.Objects;

/**
 * Makes a {@link RedisSessionDataStore} for every context of a server:
 * {@code server.addBean(factory)}, or the jetty-home module {@code session-store-redis}
 * (bean id {@code sessionDataStoreFactory}).
 *
 * <p>Every setting of {@link Settings} is set by name with {@link #setSetting(String, String)}
 * (as the module's XML does), and the older ones also with a setter of the same name
 * ({@code setUri}, {@code setNamespace}, {@code setCodec}, ...; see docs/jetty.md and
 * docs/configuration.md), plus Jetty's own {@code gracePeriodSec} and {@code savePeriodSec}.
 * Settings are checked when a context starts; a bad one stops that context with a message naming
 * it. Over JMX ({@code jmx.RedisSessionDataStoreFactoryMBean}) every setting shows, secrets
 * masked. Use {@link RedisSessionCacheFactory} with it for a non-sticky cluster.
 */
@ManagedObject("Makes the Redis session store of each context")
public class RedisSessionDataStoreFactory extends AbstractSessionDataStoreFactory {

    private final SessionStoreConfig settings = new SessionStoreConfig();
    private final SettingsView view = new SettingsView(settings);
    private Clock clock = Clock.systemUTC();

    @Override
    public SessionDataStore getSessionDataStore(SessionManager manager) {
        JettyVersion.requireSupported();
        RedisSessionDataStore store = new RedisSessionDataStore(copySettings());
        store.setGracePeriodSec(getGracePeriodSec());
        store.setSavePeriodSec(getSavePeriodSec());
        store.setClock(clock);
        return store;
    }

    /** A fresh copy of the settings: each context's store owns its own. */
    SessionStoreConfig copySettings() {
        return settings.copy();
    }

    /** The time source of the stores' expiry decisions. */
    public void setClock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ------------------------------------------------------------------ settings

    /**
     * Sets the setting of that name (any of {@link Settings}) from its text, as the module's
     * {@code session-store.xml} does for each {@code jetty.session.redis.<name>} property. Null (a
     * property that is not set) changes nothing.
     *
     * @throws ConfigurationException naming the setting and the text (masked) if it does not parse
     * @throws IllegalArgumentException if no setting has that name
     */
    public void setSetting(String name, String value) {
        Settings.named(name);
        if (value != null) {
            settings.set(name, value);
        }
    }

    /** The settings as JMX shows them (secrets masked); {@code jmx.RedisSessionDataStoreFactoryMBean} answers from it. */
    public SettingsView settingsView() {
        return view;
    }

    // Typed setters (public API, older than setSetting), and getters showing what JMX shows.
    public void setUri(String value) { settings.set(Settings.URI, value); }
    public String getUri() { return view.text(Settings.URI); }
    public void setUser(String value) { settings.set(Settings.USER, value); }
    public String getUser() { return view.text(Settings.USER); }
    public void setPassword(String value) { settings.set(Settings.PASSWORD, value); }
    public String getPassword() { return view.text(Settings.PASSWORD); }
    public void setConnectTimeoutMillis(int value) { settings.set(Settings.CONNECT_TIMEOUT_MILLIS, value); }
    public int getConnectTimeoutMillis() { return settings.get(Settings.CONNECT_TIMEOUT_MILLIS); }
    public void setSocketTimeoutMillis(int value) { settings.set(Settings.SOCKET_TIMEOUT_MILLIS, value); }
    public int getSocketTimeoutMillis() { return settings.get(Settings.SOCKET_TIMEOUT_MILLIS); }
    public void setPoolMaxTotal(int value) { settings.set(Settings.POOL_MAX_TOTAL, value); }
    public int getPoolMaxTotal() { return settings.get(Settings.POOL_MAX_TOTAL); }
    public void setPoolMaxWaitMillis(int value) { settings.set(Settings.POOL_MAX_WAIT_MILLIS, value); }
    public int getPoolMaxWaitMillis() { return settings.get(Settings.POOL_MAX_WAIT_MILLIS); }
    public void setClientName(String value) { settings.set(Settings.CLIENT_NAME, value); }
    public String getClientName() { return view.text(Settings.CLIENT_NAME); }
    public void setTlsTrustStore(String value) { settings.set(Settings.TLS_TRUST_STORE, value); }
    public String getTlsTrustStore() { return view.text(Settings.TLS_TRUST_STORE); }
    public void setTlsTrustStorePassword(String value) { settings.set(Settings.TLS_TRUST_STORE_PASSWORD, value); }
    public String getTlsTrustStorePassword() { return view.text(Settings.TLS_TRUST_STORE_PASSWORD); }
    public void setTlsKeyStore(String value) { settings.set(Settings.TLS_KEY_STORE, value); }
    public String getTlsKeyStore() { return view.text(Settings.TLS_KEY_STORE); }
    public void setTlsKeyStorePassword(String value) { settings.set(Settings.TLS_KEY_STORE_PASSWORD, value); }
    public String getTlsKeyStorePassword() { return view.text(Settings.TLS_KEY_STORE_PASSWORD); }
    public void setKeyPrefix(String value) { settings.set(Settings.KEY_PREFIX, value); }
    public String getKeyPrefix() { return view.text(Settings.KEY_PREFIX); }
    public void setNamespace(String value) { settings.set(Settings.NAMESPACE, value); }
    public String getNamespace() { return view.text(Settings.NAMESPACE); }
    public void setNodeId(String value) { settings.set(Settings.NODE_ID, value); }
    public String getNodeId() { return view.text(Settings.NODE_ID); }
    public void setExpiryGraceSeconds(int value) { settings.set(Settings.EXPIRY_GRACE_SECONDS, value); }
    public int getExpiryGraceSeconds() { return settings.get(Settings.EXPIRY_GRACE_SECONDS); }
    public void setTouchIntervalFraction(double value) { settings.set(Settings.TOUCH_INTERVAL_FRACTION, value); }
    public double getTouchIntervalFraction() { return settings.get(Settings.TOUCH_INTERVAL_FRACTION); }
    public void setCodec(String value) { settings.set(Settings.CODEC, value); }
    public String getCodec() { return view.text(Settings.CODEC); }
    public void setAllowedClasses(String value) { settings.set(Settings.ALLOWED_CLASSES, value); }
    public String getAllowedClasses() { return view.text(Settings.ALLOWED_CLASSES); }
    public void setCompressionThresholdBytes(int value) { settings.set(Settings.COMPRESSION_THRESHOLD_BYTES, value); }
    public int getCompressionThresholdBytes() { return settings.get(Settings.COMPRESSION_THRESHOLD_BYTES); }
    public void setSigningKey(String value) { settings.set(Settings.SIGNING_KEY, value); }
    public String getSigningKey() { return view.text(Settings.SIGNING_KEY); }
    public void setFailureMode(String value) { settings.set(Settings.FAILURE_MODE, value); }
    public String getFailureMode() { return view.text(Settings.FAILURE_MODE); }

    @Override
    public String toString() {
        return "RedisSessionDataStoreFactory" + settings.describe();
    }
}
