package io.redissessions.core.store;

import io.redissessions.core.SessionIds;
import io.redissessions.core.codec.AttributeDecodingException;
import io.redissessions.core.codec.AttributeEncodingException;
import io.redissessions.core.codec.ImmutableValues;
import io.redissessions.core.codec.ValueCodec;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One session as a request sees it: the policy both adapters share.
 *
 * <ul>
 *   <li>Attributes stay encoded until {@link #getAttribute} asks for one (a request that reads
 *       one attribute of twenty decodes one).</li>
 *   <li>{@link #setAttribute} encodes at once, so a value that cannot be stored fails in the
 *       application's own call, naming the attribute, its class and the setting to change.</li>
 *   <li>{@link #save} writes only what changed: attributes set or removed, and attributes read
 *       whose re-encoded bytes differ from the bytes loaded (an object changed in place).
 *       Two nodes changing different attributes of one session both keep their change.</li>
 *   <li>Touch throttling: a request that changes nothing writes only when the stored access
 *       time is older than {@code touchIntervalFraction} of the max inactive interval, so a
 *       session may expire at most that much earlier than its last access implies.</li>
 *   <li>Undecodable data costs that attribute only: logged once with the session id, counted,
 *       and treated as absent; it is never written back.</li>
 * </ul>
 *
 * Thread-safe (methods are synchronized); meant to live for one request, or for as long as a
 * container keeps the session object, reloading from Redis at each request.
 */
public final class SessionState {

    private final RedisSessionStore store;
    private final ValueCodec codec;
    private final String id;
    private final long createdMillis;
    private boolean isNew;
    private long storedAccessedMillis;
    private long accessedMillis;
    private int maxInactiveSeconds;
    private boolean maxInactiveChanged;
    private long version;

    /** Encoded values as last loaded or saved. */
    private final Map<String, byte[]> stored;
    /** Values decoded or set during this state's life. */
    private final Map<String, Object> values = new HashMap<>();
    private final Set<String> set = new LinkedHashSet<>();
    private final Set<String> removed = new LinkedHashSet<>();
    private final Set<String> undecodable = new HashSet<>();
    private final Map<String, String> extras;
    private final Map<String, String> changedExtras = new LinkedHashMap<>();

    private SessionState(RedisSessionStore store, String id, long createdMillis, long accessedMillis,
                         int maxInactiveSeconds, long version, Map<String, byte[]> stored,
                         Map<String, String> extras, boolean isNew) {
        this.store = store;
        this.codec = store.codec();
        this.id = id;
        this.createdMillis = createdMillis;
        this.storedAccessedMillis = accessedMillis;
        this.accessedMillis = accessedMillis;
        this.maxInactiveSeconds = maxInactiveSeconds;
        this.version = version;
        this.stored = new HashMap<>(stored);
        this.extras = new HashMap<>(extras);
        this.isNew = isNew;
    }

    static SessionState create(RedisSessionStore store, String id, long now, int maxInactiveSeconds) {
        return new SessionState(store, id, now, now, maxInactiveSeconds, 0, Map.of(), Map.of(), true);
    }

    static SessionState load(RedisSessionStore store, StoredSession s) {
        return new SessionState(store, s.id(), s.createdMillis(), s.accessedMillis(), s.maxInactiveSeconds(),
                s.version(), s.attributes(), s.extras(), false);
    }

    public String id() { return id; }
    public synchronized boolean isNew() { return isNew; }
    public long createdMillis() { return createdMillis; }
    /** This request's access time, or the stored one if {@link #access} was not called. */
    public synchronized long accessedMillis() { return accessedMillis; }
    /** The access time as stored in Redis (it lags by at most the touch interval). */
    public synchronized long storedAccessedMillis() { return storedAccessedMillis; }
    public synchronized int maxInactiveSeconds() { return maxInactiveSeconds; }
    public synchronized long version() { return version; }

    /** Expiry that the stored data implies (0 = never). */
    public synchronized long storedExpiryMillis() {
        return maxInactiveSeconds > 0 ? storedAccessedMillis + maxInactiveSeconds * 1000L : 0;
    }

    /** Records a request's access time (call once per request). */
    public synchronized void access(long nowMillis) {
        accessedMillis = Math.max(accessedMillis, nowMillis);
    }

    public synchronized void setMaxInactiveSeconds(int seconds) {
        if (seconds != maxInactiveSeconds) {
            maxInactiveSeconds = seconds;
            maxInactiveChanged = true;
        }
    }

    // ------------------------------------------------------------------ attributes

    /** Decodes on first use through {@code classLoader} (the webapp's); null if absent or undecodable. */
    public synchronized Object getAttribute(String name, ClassLoader classLoader) {
        if (removed.contains(name)) {
            return null;
        }
        if (values.containsKey(name)) {
            return values.get(name);
        }
        byte[] bytes = stored.get(name);
        if (bytes == null || undecodable.contains(name)) {
            return null;
        }
        try {
            Object value = codec.decode(name, bytes, classLoader);
            values.put(name, value);
            return value;
        } catch (AttributeDecodingException e) {
            undecodable.add(name);
            store.metrics().decodeFailure();
            store.log().warn("redis-sessions: attribute '" + name + "' of session " + SessionIds.fingerprint(id)
                    + " cannot be decoded and is treated as absent: " + e.getMessage());
            return null;
        }
    }

    /**
     * Sets an attribute; null removes it.
     *
     * @throws AttributeEncodingException when the value cannot be stored; nothing changes then
     */
    public synchronized void setAttribute(String name, Object value) {
        if (value == null) {
            removeAttribute(name);
            return;
        }
        codec.encodeStorable(name, value, null); // the thread's context class loader: the webapp's
        values.put(name, value);
        set.add(name);
        removed.remove(name);
        undecodable.remove(name);
    }

    public synchronized void removeAttribute(String name) {
        values.remove(name);
        set.remove(name);
        undecodable.remove(name);
        if (stored.containsKey(name)) {
            removed.add(name);
        }
    }

    /** Names of the attributes present (stored or set, minus removed); undecodable ones included until read. */
    public synchronized Set<String> attributeNames() {
        Set<String> names = new LinkedHashSet<>(stored.keySet());
        names.addAll(set);
        names.removeAll(removed);
        names.removeAll(undecodable);
        return Collections.unmodifiableSet(names);
    }

    /** Decodes every attribute (for listeners at expiry or invalidation); undecodable ones are left out. */
    public synchronized Map<String, Object> attributes(ClassLoader classLoader) {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String name : attributeNames()) {
            Object v = getAttribute(name, classLoader);
            if (v != null) {
                all.put(name, v);
            }
        }
        return all;
    }

    // ------------------------------------------------------------------ extras

    public synchronized String extra(String name) {
        return changedExtras.containsKey(name) ? changedExtras.get(name) : extras.get(name);
    }

    /** Sets a container extra ({@code #x:<name>}); null removes it. */
    public synchronized void setExtra(String name, String value) {
        String current = extra(name);
        if (value == null ? current != null : !value.equals(current)) {
            changedExtras.put(name, value);
        }
    }

    // ------------------------------------------------------------------ saving

    /** Whether {@link #save} would write: something changed, or the touch interval has passed. */
    public synchronized boolean needsSave() {
        return buildUpdate(false) != null;
    }

    /**
     * Writes what changed in one round trip, or nothing.
     *
     * @return the result, or null when there was nothing to write
     */
    public synchronized RedisSessionStore.SaveResult save() {
        SessionUpdate update = buildUpdate(true);
        if (update == null) {
            store.metrics().skippedWrite();
            return null;
        }
        RedisSessionStore.SaveResult result = store.save(update);
        if (result == RedisSessionStore.SaveResult.SAVED) {
            for (String name : update.changedAttributeNames()) {
                byte[] v = update.fields().get(Fields.ATTRIBUTE_PREFIX + name);
                if (v != null) {
                    stored.put(name, v);
                } else {
                    stored.remove(name);
                }
            }
            set.clear();
            removed.clear();
            extras.putAll(changedExtras);
            extras.values().removeIf(java.util.Objects::isNull);
            changedExtras.clear();
            maxInactiveChanged = false;
            storedAccessedMillis = update.accessedMillis();
            isNew = false;
            version++;
        }
        return result;
    }

    private SessionUpdate buildUpdate(boolean countFailures) {
        SessionUpdate.Builder b = isNew ? SessionUpdate.create(id) : SessionUpdate.update(id);
        boolean changed = isNew || maxInactiveChanged || !changedExtras.isEmpty();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String name = e.getKey();
            if (!set.contains(name) && ImmutableValues.isImmutable(e.getValue())) {
                continue; // read, and it cannot have changed in place: no need to encode it again
            }
            byte[] bytes;
            try {
                bytes = codec.encode(name, e.getValue());
            } catch (AttributeEncodingException ex) {
                if (countFailures) {
                    store.metrics().encodeFailure();
                    store.log().warn("redis-sessions: attribute '" + name + "' of session " + SessionIds.fingerprint(id)
                            + " was changed into something that cannot be stored; it is not saved: " + ex.getMessage());
                }
                continue;
            }
            byte[] before = stored.get(name);
            if (set.contains(name) ? !Arrays.equals(bytes, before) : before != null && !Arrays.equals(bytes, before)) {
                b.attribute(name, bytes);
                changed = true;
            }
        }
        for (String name : removed) {
            b.removeAttribute(name);
            changed = true;
        }
        for (Map.Entry<String, String> e : changedExtras.entrySet()) {
            b.extra(e.getKey(), e.getValue());
        }
        if (!changed && !touchDue()) {
            return null;
        }
        if (isNew) {
            b.created(createdMillis);
        }
        b.accessed(accessedMillis, maxInactiveSeconds);
        b.node(store.nodeId());
        return b.build();
    }

    private boolean touchDue() {
        if (maxInactiveSeconds <= 0) {
            return false;
        }
        double interval = store.touchIntervalFraction() * maxInactiveSeconds * 1000.0;
        return accessedMillis - storedAccessedMillis >= interval && accessedMillis > storedAccessedMillis;
    }
}
