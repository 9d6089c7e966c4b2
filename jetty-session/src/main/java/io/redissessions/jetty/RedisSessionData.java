package io.redissessions.jetty;

import io.redissessions.core.codec.AttributeDecodingException;
import io.redissessions.core.codec.AttributeEncodingException;
import io.redissessions.core.codec.ImmutableValues;
import io.redissessions.core.codec.ValueCodec;
import io.redissessions.core.store.Fields;
import io.redissessions.core.store.StoreMetrics;
import io.redissessions.core.store.StoredSession;
import io.redissessions.core.store.SessionUpdate;
import org.eclipse.jetty.session.SessionData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Jetty's {@link SessionData} over one Redis session hash, keeping the store's request-path policy:
 *
 * <ul>
 *   <li>Attributes stay encoded until asked for; each is decoded once, with the webapp's class
 *       loader, on first {@link #getAttribute}.</li>
 *   <li>{@link #setAttribute} encodes at once, so a value that cannot be stored fails in the
 *       application's own call.</li>
 *   <li>{@link #buildUpdate} writes only what changed: attributes set or removed, attributes read
 *       whose re-encoded bytes differ from those loaded (changed in place), and the access time when
 *       the touch interval has passed.</li>
 *   <li>An attribute that cannot be decoded is logged once with the session id and treated as
 *       absent; it is never written back.</li>
 * </ul>
 *
 * Jetty's own fields that the wire format has no place for live in container extras
 * ({@code #x:jetty.*}).
 */
public class RedisSessionData extends SessionData {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionData.class);

    static final String X_LAST_ACCESSED = "jetty.lastAccessed";
    static final String X_COOKIE_SET = "jetty.cookieSet";
    static final String X_LAST_SAVED = "jetty.lastSaved";
    static final String X_MAX_INACTIVE_MS = "jetty.maxInactiveMs";

    private final transient ValueCodec codec;
    private final transient StoreMetrics metrics;
    private final transient ClassLoader loader;

    /** Encoded values as last loaded or saved. */
    private final Map<String, byte[]> stored = new HashMap<>();
    /** Names set or removed since the last save. */
    private final Set<String> changed = new LinkedHashSet<>();
    private final Set<String> undecodable = new HashSet<>();
    private long storedAccessed;
    private long storedMaxInactiveMs;
    private long storedCookieSet;
    private boolean createRequired;

    RedisSessionData(String id, String contextPath, String vhost, long created, long accessed, long lastAccessed,
                     long maxInactiveMs, ValueCodec codec, StoreMetrics metrics, ClassLoader loader) {
        super(id, contextPath, vhost, created, accessed, lastAccessed, maxInactiveMs);
        this.codec = codec;
        this.metrics = metrics;
        this.loader = loader;
        this.storedAccessed = Long.MIN_VALUE;
        this.storedMaxInactiveMs = maxInactiveMs;
    }

    /** Builds Jetty's view of a session read from Redis; nothing is decoded yet. */
    static RedisSessionData fromStored(StoredSession s, String contextPath, String vhost, ValueCodec codec,
                                       StoreMetrics metrics, ClassLoader loader) {
        Map<String, String> x = s.extras();
        long maxInactiveMs = s.maxInactiveSeconds() <= 0 ? -1 : s.maxInactiveSeconds() * 1000L;
        long exactMs = parse(x.get(X_MAX_INACTIVE_MS), 0);
        // a sub-second interval is kept as an extra; it applies only while #maxInactive agrees with it
        if (exactMs > 0 && (exactMs + 999) / 1000 == s.maxInactiveSeconds()) {
            maxInactiveMs = exactMs;
        }
        RedisSessionData d = new RedisSessionData(s.id(), contextPath, vhost, s.createdMillis(), s.accessedMillis(),
                parse(x.get(X_LAST_ACCESSED), s.accessedMillis()), maxInactiveMs, codec, metrics, loader);
        d.setExpiry(s.expiryMillis());
        d.setLastNode(s.node());
        d.setCookieSet(parse(x.get(X_COOKIE_SET), 0));
        // ManagedSession takes lastSaved <= 0 for "new": a stored session was saved, whoever wrote it
        d.setLastSaved(Math.max(1, parse(x.get(X_LAST_SAVED), Math.max(s.accessedMillis(), s.createdMillis()))));
        d.stored.putAll(s.attributes());
        d.storedAccessed = s.accessedMillis();
        d.storedMaxInactiveMs = maxInactiveMs;
        d.storedCookieSet = d.getCookieSet();
        d.clean();
        return d;
    }

    private static long parse(String text, long dflt) {
        if (text == null) {
            return dflt;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    // ------------------------------------------------------------------ attributes

    @Override
    public synchronized Object getAttribute(String name) {
        Object value = _attributes.get(name);
        if (value != null || changed.contains(name) || undecodable.contains(name)) {
            return value;
        }
        byte[] bytes = stored.get(name);
        if (bytes == null) {
            return null;
        }
        try {
            value = codec.decode(name, bytes, loader);
        } catch (AttributeDecodingException | IllegalArgumentException | IllegalStateException e) {
            undecodable.add(name);
            metrics.decodeFailure();
            LOG.warn("redis-sessions: attribute '{}' of session {} cannot be decoded and is treated as absent: {}",
                    name, getId(), e.getMessage());
            return null;
        }
        if (value != null) {
            _attributes.put(name, value);
        }
        return value;
    }

    @Override
    public synchronized Set<String> getKeys() {
        Set<String> names = new LinkedHashSet<>(_attributes.keySet());
        for (String name : stored.keySet()) {
            if (!changed.contains(name) && !undecodable.contains(name)) {
                names.add(name);
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * Sets or (with null) removes an attribute and returns the previous value, decoding it if needed
     * (Jetty's listeners tell "added" from "replaced" by it).
     *
     * @throws AttributeEncodingException when the value cannot be stored; nothing changes then
     */
    @Override
    public synchronized Object setAttribute(String name, Object value) {
        boolean present = _attributes.containsKey(name) || (stored.containsKey(name) && !changed.contains(name));
        Object old = getAttribute(name);
        if (value == null) {
            if (!present) {
                return null;
            }
            _attributes.remove(name);
        } else {
            codec.encodeStorable(name, value, loader); // fails here, in the application's call, if it cannot be stored or read back
            _attributes.put(name, value);
        }
        undecodable.remove(name);
        changed.add(name);
        setDirty(name);
        return old;
    }

    @Override
    public synchronized void putAllAttributes(Map<String, Object> attributes) {
        attributes.forEach(this::setAttribute);
    }

    @Override
    public synchronized void clearAllAttributes() {
        for (String name : getKeys()) {
            setAttribute(name, null);
        }
    }

    @Override
    public synchronized Map<String, Object> getAllAttributes() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String name : getKeys()) {
            Object v = getAttribute(name);
            if (v != null) {
                all.put(name, v);
            }
        }
        return Collections.unmodifiableMap(all);
    }

    // ------------------------------------------------------------------ saving

    /**
     * What a save should write, or null when nothing changed and the access time need not be
     * stored yet.
     *
     * @param create            the session is not stored under this id yet: write everything
     * @param touchIntervalMs   write a bare access time only when the stored one is this much older
     * @param nodeId            written as {@code #node} when it is explicit or Jetty names no last node
     * @param nodeIdExplicit    the user set the nodeId setting: it wins over Jetty's last node
     *                          (Jetty's worker name)
     */
    synchronized SessionUpdate buildUpdate(boolean create, long touchIntervalMs, String nodeId, boolean nodeIdExplicit) {
        SessionUpdate.Builder b = create ? SessionUpdate.create(getId()) : SessionUpdate.update(getId());
        boolean write = create || getMaxInactiveMs() != storedMaxInactiveMs || getCookieSet() != storedCookieSet;
        Set<String> names = new LinkedHashSet<>(changed);
        names.addAll(_attributes.keySet());
        if (create) {
            names.addAll(stored.keySet());
        }
        for (String name : names) {
            Object value = _attributes.get(name);
            byte[] before = stored.get(name);
            if (value == null) {
                if (changed.contains(name) || undecodable.contains(name)) {
                    if (before != null && !create) {
                        b.removeAttribute(name);
                        write = true;
                    }
                } else if (before != null && create) {
                    b.attribute(name, before); // never decoded: carried over as stored
                }
                continue;
            }
            if (!create && !changed.contains(name) && ImmutableValues.isImmutable(value)) {
                continue; // read, and it cannot have changed in place: no need to encode it again
            }
            byte[] bytes;
            try {
                bytes = codec.encode(name, value);
            } catch (AttributeEncodingException e) {
                metrics.encodeFailure();
                LOG.warn("redis-sessions: attribute '{}' of session {} was changed into something that cannot be "
                        + "stored; it is not saved: {}", name, getId(), e.getMessage());
                continue;
            }
            if (create || !Arrays.equals(bytes, before)) {
                b.attribute(name, bytes);
                write = true;
            }
        }
        long accessed = getAccessed();
        // an access time that was never read from Redis cannot be compared: write it
        boolean touchDue = storedAccessed == Long.MIN_VALUE
                || (accessed > storedAccessed && accessed - storedAccessed >= touchIntervalMs);
        if (!write && !touchDue) {
            return null;
        }
        long maxInactiveMs = getMaxInactiveMs();
        int seconds = maxInactiveMs <= 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (maxInactiveMs + 999) / 1000);
        if (create) {
            b.created(getCreated());
        }
        b.accessed(accessed, seconds).expiry(getExpiry());
        b.extra(X_MAX_INACTIVE_MS, maxInactiveMs > 0 && maxInactiveMs % 1000 != 0 ? Long.toString(maxInactiveMs) : null);
        b.extra(X_LAST_ACCESSED, Long.toString(getLastAccessed()));
        b.extra(X_COOKIE_SET, Long.toString(getCookieSet()));
        b.extra(X_LAST_SAVED, Long.toString(Math.max(1, getLastSaved())));
        String node = getLastNode();
        b.node(nodeIdExplicit || node == null || node.isBlank() ? nodeId : node);
        return b.build();
    }

    /** Records a successful save: what was written is now what is stored. */
    synchronized void saved(SessionUpdate update) {
        for (String name : update.changedAttributeNames()) {
            byte[] v = update.fields().get(Fields.ATTRIBUTE_PREFIX + name);
            if (v != null) {
                stored.put(name, v);
            } else {
                stored.remove(name);
            }
        }
        if (update.isCreate()) {
            stored.keySet().retainAll(update.changedAttributeNames());
        }
        changed.clear();
        createRequired = false;
        undecodable.removeIf(n -> !stored.containsKey(n));
        storedAccessed = update.accessedMillis();
        storedMaxInactiveMs = getMaxInactiveMs();
        storedCookieSet = getCookieSet();
    }

    /** The next save writes the whole session as new (it was kept node-locally while Redis was down). */
    synchronized void requireCreate() {
        createRequired = true;
    }

    synchronized boolean isCreateRequired() {
        return createRequired;
    }

    /** Whether any attribute was read or written in this object's life (it may have changed in place). */
    synchronized boolean mayHaveChanged() {
        return !changed.isEmpty() || !_attributes.isEmpty();
    }

    /** The webapp class loader used for decoding. */
    ClassLoader classLoader() {
        return loader;
    }
}
