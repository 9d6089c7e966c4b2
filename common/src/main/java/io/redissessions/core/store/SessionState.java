package io.redissessions.core.store;

import io.redissessions.core.SessionIds;
import io.redissessions.core.codec.AttributeDecodingException;
import io.redissessions.core.codec.AttributeEncodingException;
import io.redissessions.core.codec.ExtraCodec;
import io.redissessions.core.codec.ImmutableValues;
import io.redissessions.core.codec.SignatureScope;
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
 *       whose re-encoded bytes differ from their baseline (an object changed in place). The
 *       baseline is the value re-encoded by this node right after its first decode, not the
 *       stored bytes: another node, JVM or version may encode an unchanged value differently
 *       (a {@code HashSet}'s order), and a request that only read it must not write it back
 *       over a concurrent change. Two nodes changing different attributes of one session both
 *       keep their change.</li>
 *   <li>Touch throttling: a request that changes nothing writes only when its access would move
 *       the stored expiry by at least {@code touchIntervalFraction} of the max inactive interval,
 *       so a session may expire at most that much earlier than its last access implies. Decided
 *       on Redis's clock: the stored expiry against Redis's time at the load plus the time this
 *       node measured since.</li>
 *   <li>Undecodable data costs that attribute only: logged once with the session id, counted,
 *       and treated as absent; it is never written back.</li>
 *   <li>Signatures (with a signing key): attribute values and container extras are signed for
 *       their field, this session and the namespace ({@link SignatureScope}); a value or extra
 *       whose signature does not verify counts as undecodable (absent, logged, counted). With
 *       {@code legacySignatures=accept}, values signed the unbound way and unsigned extras of
 *       earlier releases are read, and signed anew at the next save.</li>
 *   <li>A request that holds the session's lock (lockingMode) saves under it: {@link #save} is
 *       refused when the lock was lost and someone else wrote meanwhile, and
 *       {@link #saveAndRelease} releases it in the same script.</li>
 *   <li>With the near cache, values of immutable types decoded by an earlier request of the same
 *       stored version are not decoded again, and a save that leaves a hash this node knows whole
 *       (nobody else wrote since it read) is kept for the next load.</li>
 * </ul>
 *
 * Thread-safe (methods are synchronized); meant to live for one request, or for as long as a
 * container keeps the session object, reloading from Redis at each request.
 */
public final class SessionState {

    private final RedisSessionStore store;
    private final ValueCodec codec;
    private final ExtraCodec extraCodec;
    private final String id;
    /** Where this session's fields are signed for: its binding id (its first id) in this namespace. */
    private final SignatureScope scope;
    /** {@code #bid} as loaded (null: none), for an id change. */
    private final String loadedBindingField;
    private final long createdMillis;
    private boolean isNew;
    private long storedAccessedMillis;
    /** The stored #expiry, on Redis's clock (0 = never). */
    private long storedExpiryMillis;
    /** Redis's clock minus this node's, measured at the last load or save. */
    private long clockOffsetMillis;
    /** Redis's clock as the reply of the last load or save showed it; null before the first. */
    private RedisClockReading clockReading;
    private long accessedMillis;
    /** {@link #access} was called (or the session is new): accessedMillis is on this node's clock. */
    private boolean accessedHere;
    /** The max inactive interval as stored, with which the stored expiry was computed. */
    private int storedMaxInactiveSeconds;
    private int maxInactiveSeconds;
    private boolean maxInactiveChanged;
    private long version;
    /** An expiry the container keeps itself (Jetty), written instead of the one the access time implies; -1: none. */
    private long containerExpiryMillis = -1;

    /** Encoded values as last loaded or saved. */
    private final Map<String, byte[]> stored;
    /** Values decoded or set during this state's life. */
    private final Map<String, Object> values = new HashMap<>();
    /** This node's own encoding of values decoded in this state's life, taken right after decoding. */
    private final Map<String, byte[]> baseline = new HashMap<>();
    private final Set<String> set = new LinkedHashSet<>();
    private final Set<String> removed = new LinkedHashSet<>();
    private final Set<String> undecodable = new HashSet<>();
    private final Map<String, String> extras = new HashMap<>();
    private final Map<String, String> changedExtras = new LinkedHashMap<>();
    /** Attributes, then extras, stored in a form of earlier releases: signed anew at the next save. */
    private final Set<String> legacyAttributes = new LinkedHashSet<>();
    private final Map<String, byte[]> legacyExtras = new LinkedHashMap<>();
    /**
     * The hash as stored when this state last read or wrote it, known whole (the near cache keeps
     * it after a save); null when not known (a new session, an id change, a save after another
     * node's write).
     */
    private StoredSession base;
    /** Immutable values decoded from the stored version this state holds, shared through the near cache; or null. */
    private java.util.concurrent.ConcurrentMap<String, Object> sharedDecoded;
    /** The request's lock on this session (lockingMode), or null. */
    private SessionLock lock;

    private SessionState(RedisSessionStore store, String id, String bindingId, String loadedBindingField,
                         long createdMillis, long accessedMillis,
                         int maxInactiveSeconds, long version, Map<String, byte[]> stored,
                         Map<String, byte[]> storedExtras, boolean isNew, long storedExpiryMillis, long clockOffsetMillis) {
        this.store = store;
        this.codec = store.codec();
        this.extraCodec = store.extraCodec();
        this.id = id;
        this.scope = store.scope(bindingId);
        this.loadedBindingField = loadedBindingField;
        this.createdMillis = createdMillis;
        this.storedAccessedMillis = accessedMillis;
        this.accessedMillis = accessedMillis;
        this.maxInactiveSeconds = maxInactiveSeconds;
        this.storedMaxInactiveSeconds = maxInactiveSeconds;
        this.accessedHere = isNew;
        this.version = version;
        this.stored = new HashMap<>(stored);
        this.isNew = isNew;
        this.storedExpiryMillis = storedExpiryMillis;
        this.clockOffsetMillis = clockOffsetMillis;
        readExtras(storedExtras);
        if (codec.signatures().acceptsLegacy()) {
            stored.forEach((name, bytes) -> {
                if (ValueCodec.isLegacySigned(bytes)) {
                    legacyAttributes.add(name);
                }
            });
        }
    }

    static SessionState create(RedisSessionStore store, String id, long now, int maxInactiveSeconds) {
        return new SessionState(store, id, id, null, now, now, maxInactiveSeconds, 0, Map.of(), Map.of(), true, 0, 0);
    }

    /** A new session whose creation and access times the container chose (Jetty passes its own). */
    static SessionState create(RedisSessionStore store, String id, long createdMillis, long accessedMillis,
                               int maxInactiveSeconds) {
        return new SessionState(store, id, id, null, createdMillis, accessedMillis, maxInactiveSeconds, 0, Map.of(),
                Map.of(), true, 0, 0);
    }

    static SessionState load(RedisSessionStore store, StoredSession s) {
        SessionState state = new SessionState(store, s.id(), store.bindingIdOf(s), s.bindingId(), s.createdMillis(),
                s.accessedMillis(), s.maxInactiveSeconds(), s.version(), s.attributes(), s.extras(), false,
                s.expiryMillis(), s.clockOffsetMillis());
        state.clockReading = s.clockReading();
        state.base = s;
        state.shareDecoded(s.decoded());
        return state;
    }

    /** Takes the values other requests decoded from this stored version, and shares what this one decodes. */
    private void shareDecoded(java.util.concurrent.ConcurrentMap<String, Object> decoded) {
        sharedDecoded = decoded;
        if (decoded != null) {
            decoded.forEach((name, value) -> {
                if (stored.containsKey(name) && !set.contains(name) && !removed.contains(name)
                        && !legacyAttributes.contains(name)) {
                    values.putIfAbsent(name, value);
                }
            });
        }
    }

    /** The request's lock on this session (lockingMode), or null when it holds none. */
    public synchronized SessionLock lock() {
        return lock;
    }

    /**
     * Carries the request's lock over from {@code previous} (the same session under its old id, or
     * the state it is made from), which gives it up: this state's saves are fenced by it, and
     * {@link #saveAndRelease} releases it.
     */
    public void adoptLock(SessionState previous) {
        SessionLock taken;
        synchronized (previous) {
            taken = previous.lock;
            previous.lock = null;
        }
        if (taken != null) {
            synchronized (this) {
                lock = taken;
            }
        }
    }

    /** This state was read under {@code lock}: its saves are fenced by it. */
    synchronized void lockedBy(SessionLock lock) {
        this.lock = lock;
    }

    /** Decodes the extras as loaded; one that cannot be read (a bad signature) is absent, logged and counted. */
    private void readExtras(Map<String, byte[]> storedExtras) {
        for (Map.Entry<String, byte[]> e : storedExtras.entrySet()) {
            String name = e.getKey();
            try {
                extras.put(name, extraCodec.decode(scope, name, e.getValue()));
                if (extraCodec.isLegacy(e.getValue())) {
                    legacyExtras.put(name, e.getValue());
                }
            } catch (AttributeDecodingException ex) {
                store.metrics().decodeFailure();
                store.log().warn("redis-sessions: container extra '" + name + "' of session " + SessionIds.fingerprint(id)
                        + " is treated as absent: " + ex.getMessage());
            }
        }
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
    /** The id this session's fields are signed with: its first id (see {@link SignatureScope}). */
    public String bindingId() { return scope.bindingId(); }
    /** {@code #bid} as loaded, null when none: what an id change expects to find. */
    String loadedBindingField() { return loadedBindingField; }

    /** The stored expiry, epoch millis on Redis's clock, as of the last load or save (0 = never). */
    public synchronized long storedExpiryMillis() {
        return storedExpiryMillis;
    }

    /**
     * The expiry on this node's clock (epoch millis, 0 = never), for a container that keeps its
     * own (Jetty): the stored expiry moved by the offset of Redis's clock seen at the last load or
     * save; for a state not stored yet, the expiry its access time and interval imply.
     */
    public synchronized long localExpiryMillis() {
        if (isNew || storedExpiryMillis <= 0) {
            return maxInactiveSeconds > 0 ? accessedMillis + maxInactiveSeconds * 1000L : 0;
        }
        // an offset under a second is the round trip, not a clock difference: a container that
        // reads back the expiry it wrote gets it unchanged
        long offset = Math.abs(clockOffsetMillis) < 1000 ? 0 : clockOffsetMillis;
        return storedExpiryMillis - offset;
    }

    /** Records a request's access time, on this node's clock (call once per request). */
    public synchronized void access(long nowMillis) {
        accessedMillis = accessedHere ? Math.max(accessedMillis, nowMillis) : nowMillis;
        accessedHere = true;
    }

    /**
     * For a container that keeps the expiry itself (Jetty's {@code SessionData} carries one): the
     * next saves write this expiry instead of the one that the access time and max inactive
     * interval imply. Not a change by itself: it is written with a save that happens anyway.
     *
     * @param expiryMillis epoch millis; 0 = never
     */
    public synchronized void setContainerExpiryMillis(long expiryMillis) {
        containerExpiryMillis = Math.max(0, expiryMillis);
    }

    /**
     * For a container that says a session is stored although this state was made new (Jetty hands
     * a store session data that was saved through another object): the next save updates the stored
     * session, writing what was set, instead of creating it.
     */
    public synchronized void markStored() {
        isNew = false;
    }

    public synchronized void setMaxInactiveSeconds(int seconds) {
        if (seconds != maxInactiveSeconds) {
            maxInactiveSeconds = seconds;
            maxInactiveChanged = true;
        }
    }

    /**
     * This state under another id, for an id change: what was loaded and what was changed since
     * carry over as they are, so the next {@link #save} writes this request's changes (and only
     * them) under the new id. Call it once the store renamed the session
     * ({@code SessionService.changeId}), or for a session never stored; do not use this state
     * afterwards. No Redis call.
     */
    public synchronized SessionState withId(String newId) {
        java.util.Objects.requireNonNull(newId, "newId");
        // A stored session keeps its binding id (its fields keep their signatures); with a key the
        // rename stored it as #bid. A session never stored binds to its first id: the new one.
        String bindingId = isNew ? newId : scope.bindingId();
        String bindingField = !isNew && codec.signatures().enabled() ? scope.bindingId() : loadedBindingField;
        SessionState s = new SessionState(store, newId, bindingId, bindingField, createdMillis, storedAccessedMillis,
                storedMaxInactiveSeconds, isNew ? version : version + 1, stored, Map.of(), isNew, storedExpiryMillis,
                clockOffsetMillis);
        s.accessedMillis = accessedMillis;
        s.accessedHere = accessedHere;
        s.maxInactiveSeconds = maxInactiveSeconds;
        s.maxInactiveChanged = maxInactiveChanged;
        s.containerExpiryMillis = containerExpiryMillis;
        s.clockReading = clockReading;
        s.values.putAll(values);
        s.baseline.putAll(baseline);
        s.set.addAll(set);
        s.removed.addAll(removed);
        s.undecodable.addAll(undecodable);
        s.extras.putAll(extras);
        s.changedExtras.putAll(changedExtras);
        s.legacyAttributes.addAll(legacyAttributes);
        s.legacyExtras.putAll(legacyExtras);
        s.lock = lock; // the request keeps its lock, taken under the old id (same shard), until its last save
        lock = null;
        return s;
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
            Object value = codec.decode(scope, name, bytes, classLoader);
            values.put(name, value);
            if (ImmutableValues.isImmutable(value)) {
                if (sharedDecoded != null) {
                    sharedDecoded.putIfAbsent(name, value);
                }
            } else {
                try {
                    baseline.put(name, codec.encode(scope, name, value));
                } catch (AttributeEncodingException e) {
                    // cannot be written back as it is: the stored bytes stay the baseline
                }
            }
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
     * Sets an attribute; null removes it. The value is proven to decode again through the thread's
     * context class loader (in a request, the webapp's).
     *
     * @throws AttributeEncodingException when the value cannot be stored, or the name has no UTF-8
     *         form ({@link AttributeNames}); nothing changes then
     */
    public void setAttribute(String name, Object value) {
        setAttribute(name, value, null);
    }

    /**
     * Sets an attribute; null removes it. The value is proven to decode again through
     * {@code classLoader} (the webapp's; null: the thread's context class loader), as another node
     * will decode it.
     *
     * @throws AttributeEncodingException when the value cannot be stored or would not decode, or
     *         the name has no UTF-8 form ({@link AttributeNames}); nothing changes then
     */
    public synchronized void setAttribute(String name, Object value, ClassLoader classLoader) {
        if (value == null) {
            removeAttribute(name);
            return;
        }
        AttributeNames.requireStorable(name);
        codec.encodeStorable(name, value, classLoader);
        values.put(name, value);
        set.add(name);
        removed.remove(name);
        undecodable.remove(name);
    }

    public synchronized void removeAttribute(String name) {
        values.remove(name);
        baseline.remove(name);
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
     * Writes what changed in one round trip, or nothing. The save is applied only if it reaches
     * Redis before this node stops waiting for its reply, as measured from the reply of this
     * state's last load or save ({@link RedisSessionStore#write}).
     *
     * @return the result, or null when there was nothing to write
     * @throws SaveNotReplicatedException when the master applied it (this state takes it as saved)
     *         but fewer than {@code saveReplicas} replicas acknowledged it in time
     * @throws io.redissessions.core.SessionStoreException when Redis cannot be used, or the save came
     *         too late and was not applied
     */
    public synchronized RedisSessionStore.SaveResult save() {
        return save(false);
    }

    /**
     * Like {@link #save}, and releases the request's lock ({@link #lock()}) with the same script.
     * When there is nothing to write (null), the lock is still held: the caller releases it.
     */
    public synchronized RedisSessionStore.SaveResult saveAndRelease() {
        return save(true);
    }

    private RedisSessionStore.SaveResult save(boolean release) {
        SessionUpdate update = buildUpdate(true);
        if (update == null) {
            store.metrics().skippedWrite();
            return null;
        }
        long readVersion = version;
        RedisSessionStore.SaveOutcome outcome = store.write(update, clockReading, lock, readVersion, release);
        RedisSessionStore.SaveResult result = outcome.result();
        if (result == RedisSessionStore.SaveResult.SAVED) {
            Map<String, Object> decodedNow = store.hasNearCache() ? immutableValuesAsStored(update) : null;
            boolean wasNew = isNew;
            for (String name : update.changedAttributeNames()) {
                byte[] v = update.fields().get(Fields.ATTRIBUTE_PREFIX + name);
                if (v != null) {
                    stored.put(name, v);
                    baseline.put(name, v);
                } else {
                    stored.remove(name);
                    baseline.remove(name);
                }
            }
            for (SessionUpdate.Resigned r : update.resigned()) {
                if (r.field().startsWith(Fields.ATTRIBUTE_PREFIX)) {
                    stored.put(r.field().substring(Fields.ATTRIBUTE_PREFIX.length()), r.replacement());
                }
            }
            legacyAttributes.clear();
            legacyExtras.clear();
            set.clear();
            removed.clear();
            extras.putAll(changedExtras);
            extras.values().removeIf(java.util.Objects::isNull);
            changedExtras.clear();
            maxInactiveChanged = false;
            storedMaxInactiveSeconds = maxInactiveSeconds;
            storedAccessedMillis = outcome.accessedMillis();
            storedExpiryMillis = outcome.expiryMillis();
            clockOffsetMillis = outcome.clockOffsetMillis();
            clockReading = outcome.clockReading();
            isNew = false;
            version = outcome.version();
            if (decodedNow != null) {
                // known whole only when nobody wrote between this state's read and this save
                boolean whole = wasNew ? version == 1 : base != null && version == readVersion + 1;
                StoredSession kept = store.afterSave(id, whole ? StoredSession.after(wasNew ? null : base, id, update,
                        outcome, store.nodeId()) : null);
                base = kept;
                sharedDecoded = kept == null ? null : kept.decoded();
                if (sharedDecoded != null) {
                    sharedDecoded.putAll(decodedNow);
                }
            } else {
                base = null;
            }
        }
        if (outcome.notReplicated() != null) {
            throw outcome.notReplicated(); // the master has it: this state knows, the request fails
        }
        return result;
    }

    /** Immutable values whose stored bytes are theirs after {@code update} is written: decoded, or set and written. */
    private Map<String, Object> immutableValuesAsStored(SessionUpdate update) {
        Map<String, Object> m = new HashMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String name = e.getKey();
            if (e.getValue() != null && ImmutableValues.isImmutable(e.getValue())
                    && (!set.contains(name) || update.fields().containsKey(Fields.ATTRIBUTE_PREFIX + name))) {
                m.put(name, e.getValue());
            }
        }
        return m;
    }

    private SessionUpdate buildUpdate(boolean countFailures) {
        SessionUpdate.Builder b = isNew ? SessionUpdate.create(id) : SessionUpdate.update(id);
        boolean changed = isNew || maxInactiveChanged || !changedExtras.isEmpty();
        Set<String> written = new HashSet<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String name = e.getKey();
            if (!set.contains(name) && ImmutableValues.isImmutable(e.getValue())) {
                continue; // read, and it cannot have changed in place: no need to encode it again
            }
            byte[] bytes;
            try {
                bytes = codec.encode(scope, name, e.getValue());
            } catch (AttributeEncodingException ex) {
                if (countFailures) {
                    store.metrics().encodeFailure();
                    store.log().warn("redis-sessions: attribute '" + name + "' of session " + SessionIds.fingerprint(id)
                            + " was changed into something that cannot be stored; it is not saved: " + ex.getMessage());
                }
                continue;
            }
            byte[] before = baseline.containsKey(name) ? baseline.get(name) : stored.get(name);
            if (set.contains(name) ? !Arrays.equals(bytes, before) : before != null && !Arrays.equals(bytes, before)) {
                b.attribute(name, bytes);
                written.add(name);
                changed = true;
            }
        }
        for (String name : removed) {
            b.removeAttribute(name);
            changed = true;
        }
        for (Map.Entry<String, String> e : changedExtras.entrySet()) {
            b.extra(e.getKey(), e.getValue() == null ? null : extraCodec.encode(scope, e.getKey(), e.getValue()));
        }
        changed |= resignLegacy(b, written);
        if (!changed && !touchDue()) {
            return null;
        }
        if (isNew) {
            b.created(createdMillis);
        }
        if (accessedHere) {
            b.accessed(accessedMillis, maxInactiveSeconds);
        } else {
            // not accessed in this request: the stored access time, and the stored expiry moved only
            // by a changed interval (the stored #accessed may be on another node's clock)
            b.accessed(storedAccessedMillis, maxInactiveSeconds);
            if (maxInactiveSeconds > 0 && storedExpiryMillis > 0 && storedMaxInactiveSeconds > 0) {
                b.expiry(storedExpiryMillis - clockOffsetMillis
                        + (maxInactiveSeconds - (long) storedMaxInactiveSeconds) * 1000L);
            }
        }
        if (containerExpiryMillis >= 0) {
            b.expiry(containerExpiryMillis);
        }
        b.node(store.nodeId());
        return b.build();
    }

    /**
     * Adds the fields stored in a form of earlier releases ({@code legacySignatures=accept}) that
     * this save does not write anyway, signed anew for this session, each to be replaced only if
     * it is still as loaded. Fields whose old signature does not verify are left alone (absent).
     *
     * @return whether there were any
     */
    private boolean resignLegacy(SessionUpdate.Builder b, Set<String> written) {
        boolean any = false;
        for (String name : legacyAttributes) {
            if (set.contains(name) || removed.contains(name) || written.contains(name)) {
                continue;
            }
            byte[] loaded = stored.get(name);
            try {
                b.resign(Fields.ATTRIBUTE_PREFIX + name, loaded, codec.resign(scope, name, loaded));
                any = true;
            } catch (AttributeDecodingException e) {
                // its old signature does not verify: it stays absent, and is left as it is
            }
        }
        for (Map.Entry<String, byte[]> e : legacyExtras.entrySet()) {
            if (changedExtras.containsKey(e.getKey())) {
                continue;
            }
            try {
                b.resign(Fields.EXTRA_PREFIX + e.getKey(), e.getValue(), extraCodec.resign(scope, e.getKey(), e.getValue()));
                any = true;
            } catch (AttributeDecodingException ex) {
                // unreadable: absent, left as it is
            }
        }
        return any;
    }

    /**
     * Whether this request's access moves the stored expiry by at least the touch interval, on
     * Redis's clock: the access time measured by this node, shifted by the clock offset seen at
     * the last load or save, against the stored expiry. No node's clock skew enters.
     */
    private boolean touchDue() {
        if (maxInactiveSeconds <= 0 || !accessedHere) {
            return false;
        }
        if (storedExpiryMillis <= 0) {
            return true; // stored as never expiring, or without an expiry: give it one
        }
        long impliedExpiry = (containerExpiryMillis >= 0 ? containerExpiryMillis : accessedMillis + maxInactiveSeconds * 1000L)
                + clockOffsetMillis;
        double interval = store.touchIntervalFraction() * maxInactiveSeconds * 1000.0;
        return impliedExpiry - storedExpiryMillis >= interval;
    }
}
