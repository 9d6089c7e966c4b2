package io.redissessions.core.store;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A session as read from Redis in one round trip: metadata, container extras, and attribute
 * values still encoded (decoding is left to whoever asks for an attribute), with Redis's clock at
 * the moment it was read. Whether it has expired is decided by Redis's clock
 * ({@link #isExpired()}), never by the reading node's.
 */
public final class StoredSession {

    private final String id;
    private final long createdMillis;
    private final long accessedMillis;
    private final int maxInactiveSeconds;
    private final long expiryMillis;
    private final String node;
    private final long version;
    private final Map<String, byte[]> extras;
    private final String bindingId;
    private final String bindingMac;
    private final Map<String, byte[]> attributes;
    private final long sizeBytes;
    private final long redisTimeMillis;
    private final long readAtMillis;
    /** This node's nanoTime right after the reply was read; null when unknown (made elsewhere). */
    private final RedisClockReading clockReading;
    /**
     * Attribute values of immutable types already decoded from these bytes, shared by every copy
     * of this stored version that the near cache hands out; null when the near cache is off.
     */
    private final java.util.concurrent.ConcurrentMap<String, Object> decoded;

    /**
     * @param redisTimeMillis Redis's clock (TIME) when the session was read
     * @param readAtMillis    the reading node's clock just before it asked
     */
    public StoredSession(String id, long createdMillis, long accessedMillis, int maxInactiveSeconds, long expiryMillis,
                         String node, long version, Map<String, byte[]> extras, Map<String, byte[]> attributes,
                         long sizeBytes, long redisTimeMillis, long readAtMillis) {
        this(id, createdMillis, accessedMillis, maxInactiveSeconds, expiryMillis, node, version, extras, attributes,
                null, null, sizeBytes, redisTimeMillis, readAtMillis);
    }

    /**
     * @param bindingId  {@code #bid} as stored, or null
     * @param bindingMac {@code #bmac} as stored, or null
     */
    public StoredSession(String id, long createdMillis, long accessedMillis, int maxInactiveSeconds, long expiryMillis,
                         String node, long version, Map<String, byte[]> extras, Map<String, byte[]> attributes,
                         String bindingId, String bindingMac, long sizeBytes, long redisTimeMillis, long readAtMillis) {
        this(id, createdMillis, accessedMillis, maxInactiveSeconds, expiryMillis, node, version, extras, attributes,
                bindingId, bindingMac, sizeBytes, redisTimeMillis, readAtMillis, null);
    }

    private StoredSession(String id, long createdMillis, long accessedMillis, int maxInactiveSeconds,
                          long expiryMillis, String node, long version, Map<String, byte[]> extras,
                          Map<String, byte[]> attributes, String bindingId, String bindingMac, long sizeBytes,
                          long redisTimeMillis, long readAtMillis, RedisClockReading clockReading) {
        this.id = id;
        this.createdMillis = createdMillis;
        this.accessedMillis = accessedMillis;
        this.maxInactiveSeconds = maxInactiveSeconds;
        this.expiryMillis = expiryMillis;
        this.node = node;
        this.version = version;
        this.extras = Collections.unmodifiableMap(extras);
        this.attributes = Collections.unmodifiableMap(attributes);
        this.bindingId = bindingId;
        this.bindingMac = bindingMac;
        this.sizeBytes = sizeBytes;
        this.redisTimeMillis = redisTimeMillis;
        this.readAtMillis = readAtMillis;
        this.clockReading = clockReading;
        this.decoded = null;
    }

    private StoredSession(StoredSession s, long redisTimeMillis, long readAtMillis, RedisClockReading clockReading,
                          java.util.concurrent.ConcurrentMap<String, Object> decoded) {
        this.id = s.id;
        this.createdMillis = s.createdMillis;
        this.accessedMillis = s.accessedMillis;
        this.maxInactiveSeconds = s.maxInactiveSeconds;
        this.expiryMillis = s.expiryMillis;
        this.node = s.node;
        this.version = s.version;
        this.extras = s.extras;
        this.attributes = s.attributes;
        this.bindingId = s.bindingId;
        this.bindingMac = s.bindingMac;
        this.sizeBytes = s.sizeBytes;
        this.redisTimeMillis = redisTimeMillis;
        this.readAtMillis = readAtMillis;
        this.clockReading = clockReading;
        this.decoded = decoded;
    }

    /** This stored version as the near cache keeps it: with a map of values decoded from it. */
    StoredSession cacheable() {
        return decoded != null ? this
                : new StoredSession(this, redisTimeMillis, readAtMillis, clockReading,
                        new java.util.concurrent.ConcurrentHashMap<>());
    }

    /**
     * This stored version read again, unchanged, at another moment: the same data and decoded
     * values, with Redis's clock and the reading node's clocks of the new read.
     *
     * @param receivedNanos this node's nanoTime right after the reply was read
     */
    StoredSession seenAgain(long redisTimeMillis, long readAtMillis, long receivedNanos) {
        return new StoredSession(this, redisTimeMillis, readAtMillis,
                new RedisClockReading(redisTimeMillis, receivedNanos), decoded);
    }

    /**
     * The hash that {@code update} leaves when it is written over {@code base} (null: a new session),
     * with the values the save script wrote itself ({@code outcome}): what a node that knows
     * {@code base} whole knows after its own save, if nobody wrote in between. Decoded values of
     * {@code base} come along for the attributes the update did not touch.
     */
    static StoredSession after(StoredSession base, String id, SessionUpdate update, RedisSessionStore.SaveOutcome outcome,
                               String nodeId) {
        Map<String, byte[]> attributes = new HashMap<>(base == null ? Map.of() : base.attributes);
        Map<String, byte[]> extras = new HashMap<>(base == null ? Map.of() : base.extras);
        long created = base == null ? 0 : base.createdMillis;
        String bindingId = base == null ? null : base.bindingId;
        String bindingMac = base == null ? null : base.bindingMac;
        for (Map.Entry<String, byte[]> f : update.fields().entrySet()) {
            String field = f.getKey();
            if (field.startsWith(Fields.ATTRIBUTE_PREFIX)) {
                attributes.put(field.substring(Fields.ATTRIBUTE_PREFIX.length()), f.getValue());
            } else if (field.startsWith(Fields.EXTRA_PREFIX)) {
                extras.put(field.substring(Fields.EXTRA_PREFIX.length()), f.getValue());
            } else if (field.equals(Fields.CREATED)) {
                created = parseLong(new String(f.getValue(), StandardCharsets.UTF_8));
            } else if (field.equals(Fields.BINDING_ID)) {
                bindingId = new String(f.getValue(), StandardCharsets.UTF_8);
            } else if (field.equals(Fields.BINDING_MAC)) {
                bindingMac = new String(f.getValue(), StandardCharsets.UTF_8);
            }
        }
        for (String field : update.removedFields()) {
            if (field.startsWith(Fields.ATTRIBUTE_PREFIX)) {
                attributes.remove(field.substring(Fields.ATTRIBUTE_PREFIX.length()));
            } else if (field.startsWith(Fields.EXTRA_PREFIX)) {
                extras.remove(field.substring(Fields.EXTRA_PREFIX.length()));
            }
        }
        for (SessionUpdate.Resigned r : update.resigned()) {
            // replaced only if still as loaded: with nobody writing in between, it was
            if (r.field().startsWith(Fields.ATTRIBUTE_PREFIX)) {
                attributes.put(r.field().substring(Fields.ATTRIBUTE_PREFIX.length()), r.replacement());
            } else if (r.field().startsWith(Fields.EXTRA_PREFIX)) {
                extras.put(r.field().substring(Fields.EXTRA_PREFIX.length()), r.replacement());
            }
        }
        long size = 0;
        for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
            size += Fields.ATTRIBUTE_PREFIX.length() + e.getKey().length() + e.getValue().length;
        }
        for (Map.Entry<String, byte[]> e : extras.entrySet()) {
            size += Fields.EXTRA_PREFIX.length() + e.getKey().length() + e.getValue().length;
        }
        StoredSession after = new StoredSession(id, created, outcome.accessedMillis(), update.maxInactiveSeconds(),
                outcome.expiryMillis(), nodeId, outcome.version(), extras, attributes, bindingId, bindingMac, size, 0, 0)
                .cacheable();
        if (base != null && base.decoded != null) {
            base.decoded.forEach((name, value) -> {
                if (!update.fields().containsKey(Fields.ATTRIBUTE_PREFIX + name)
                        && !update.removedFields().contains(Fields.ATTRIBUTE_PREFIX + name)) {
                    after.decoded.put(name, value);
                }
            });
        }
        return after;
    }

    /** Immutable values decoded from these bytes by earlier requests (near cache), or null. */
    java.util.concurrent.ConcurrentMap<String, Object> decoded() {
        return decoded;
    }

    /**
     * Decodes a session hash as HGETALL returns it (field, value, field, value...). Numbers that do
     * not parse read as 0: a forged or damaged field costs that field, never the load.
     *
     * @param receivedNanos this node's nanoTime right after the reply was read
     */
    static StoredSession fromHash(String id, List<?> flat, long redisTimeMillis, long readAtMillis,
                                  long receivedNanos) {
        long created = 0;
        long accessed = 0;
        int maxInactive = 0;
        long expiry = 0;
        long version = 0;
        String node = null;
        String bindingId = null;
        String bindingMac = null;
        Map<String, byte[]> extras = new HashMap<>();
        Map<String, byte[]> attributes = new HashMap<>();
        long size = 0;
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            byte[] name = (byte[]) flat.get(i);
            byte[] value = (byte[]) flat.get(i + 1);
            String field = new String(name, StandardCharsets.UTF_8);
            size += name.length + value.length;
            if (field.startsWith(Fields.ATTRIBUTE_PREFIX)) {
                attributes.put(field.substring(Fields.ATTRIBUTE_PREFIX.length()), value);
                continue;
            }
            if (field.startsWith(Fields.EXTRA_PREFIX)) {
                extras.put(field.substring(Fields.EXTRA_PREFIX.length()), value);
                continue;
            }
            String text = new String(value, StandardCharsets.UTF_8);
            switch (field) {
                case Fields.CREATED -> created = parseLong(text);
                case Fields.ACCESSED -> accessed = parseLong(text);
                case Fields.MAX_INACTIVE -> maxInactive = (int) parseLong(text);
                case Fields.EXPIRY -> expiry = parseLong(text);
                case Fields.VERSION -> version = parseLong(text);
                case Fields.NODE -> node = text;
                case Fields.BINDING_ID -> bindingId = text;
                case Fields.BINDING_MAC -> bindingMac = text;
                default -> {
                    // a field of a later release, or not ours: ignored
                }
            }
        }
        return new StoredSession(id, created, accessed, maxInactive, expiry, node, version, extras, attributes,
                bindingId, bindingMac, size, redisTimeMillis, readAtMillis,
                new RedisClockReading(redisTimeMillis, receivedNanos));
    }

    static long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public String id() { return id; }
    public long createdMillis() { return createdMillis; }
    /** The last access that was stored (touch throttling may have skipped later ones). */
    public long accessedMillis() { return accessedMillis; }
    /** Seconds; 0 or less means the session never expires. */
    public int maxInactiveSeconds() { return maxInactiveSeconds; }
    /** Epoch millis on Redis's clock (see docs/wire-format.md); 0 means never. */
    public long expiryMillis() { return expiryMillis; }
    /** The node that wrote it last. */
    public String node() { return node; }
    /** The write counter, bumped by every save. */
    public long version() { return version; }
    /** Container extra name to stored bytes, not decoded ({@link io.redissessions.core.codec.ExtraCodec}). */
    public Map<String, byte[]> extras() { return extras; }
    /** {@code #bid} as stored (null when absent): the id its fields are signed with, after an id change. */
    public String bindingId() { return bindingId; }
    /** {@code #bmac} as stored (null when absent). */
    public String bindingMac() { return bindingMac; }
    /** Attribute name to stored value bytes, not decoded. */
    public Map<String, byte[]> attributes() { return attributes; }
    /** Bytes read from Redis for this session. */
    public long sizeBytes() { return sizeBytes; }

    /** Redis's clock (TIME, epoch millis) when this was read. */
    public long redisTimeMillis() { return redisTimeMillis; }
    /** The reading node's clock (epoch millis) just before it asked. */
    public long readAtMillis() { return readAtMillis; }

    /** Redis's clock as the load's reply showed it; null for a session not read by this store. */
    RedisClockReading clockReading() { return clockReading; }

    /**
     * How far Redis's clock was ahead of the reading node's when this was read (negative: behind),
     * up to the time the read took. Adds to a node time to give Redis time.
     */
    public long clockOffsetMillis() { return redisTimeMillis - readAtMillis; }

    /** Whether the stored expiry had passed by Redis's clock when this was read. */
    public boolean isExpired() {
        return expiryMillis > 0 && expiryMillis <= redisTimeMillis;
    }

    /**
     * Time left until the stored expiry, by Redis's clock at the read: at most 0 when expired,
     * {@link Long#MAX_VALUE} for a session that never expires. A node that keeps its own expiry
     * time (Jetty) takes {@code readAtMillis() + remainingMillis()}, which no clock skew moves.
     */
    public long remainingMillis() {
        return expiryMillis > 0 ? expiryMillis - redisTimeMillis : Long.MAX_VALUE;
    }

    @Override
    public String toString() {
        return "StoredSession[id=" + id + ", v=" + version + ", expiry=" + expiryMillis + ", redisTime="
                + redisTimeMillis + ", attributes=" + attributes.keySet() + "]";
    }
}
