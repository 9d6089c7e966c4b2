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
    private final Map<String, String> extras;
    private final Map<String, byte[]> attributes;
    private final long sizeBytes;
    private final long redisTimeMillis;
    private final long readAtMillis;
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
                         String node, long version, Map<String, String> extras, Map<String, byte[]> attributes,
                         long sizeBytes, long redisTimeMillis, long readAtMillis) {
        this.id = id;
        this.createdMillis = createdMillis;
        this.accessedMillis = accessedMillis;
        this.maxInactiveSeconds = maxInactiveSeconds;
        this.expiryMillis = expiryMillis;
        this.node = node;
        this.version = version;
        this.extras = Collections.unmodifiableMap(extras);
        this.attributes = Collections.unmodifiableMap(attributes);
        this.sizeBytes = sizeBytes;
        this.redisTimeMillis = redisTimeMillis;
        this.readAtMillis = readAtMillis;
        this.decoded = null;
    }

    private StoredSession(StoredSession s, long redisTimeMillis, long readAtMillis,
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
        this.sizeBytes = s.sizeBytes;
        this.redisTimeMillis = redisTimeMillis;
        this.readAtMillis = readAtMillis;
        this.decoded = decoded;
    }

    /** This stored version as the near cache keeps it: with a map of values decoded from it. */
    StoredSession cacheable() {
        return decoded != null ? this
                : new StoredSession(this, redisTimeMillis, readAtMillis, new java.util.concurrent.ConcurrentHashMap<>());
    }

    /**
     * This stored version read again, unchanged, at another moment: the same data and decoded
     * values, with Redis's clock and the reading node's clock of the new read.
     */
    StoredSession seenAgain(long redisTimeMillis, long readAtMillis) {
        return new StoredSession(this, redisTimeMillis, readAtMillis, decoded);
    }

    /** Immutable values decoded from these bytes by earlier requests (near cache), or null. */
    java.util.concurrent.ConcurrentMap<String, Object> decoded() {
        return decoded;
    }

    /**
     * Decodes a session hash as HGETALL returns it (field, value, field, value...). Numbers that do
     * not parse read as 0: a forged or damaged field costs that field, never the load.
     */
    static StoredSession fromHash(String id, List<?> flat, long redisTimeMillis, long readAtMillis) {
        long created = 0;
        long accessed = 0;
        int maxInactive = 0;
        long expiry = 0;
        long version = 0;
        String node = null;
        Map<String, String> extras = new HashMap<>();
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
            String text = new String(value, StandardCharsets.UTF_8);
            switch (field) {
                case Fields.CREATED -> created = parseLong(text);
                case Fields.ACCESSED -> accessed = parseLong(text);
                case Fields.MAX_INACTIVE -> maxInactive = (int) parseLong(text);
                case Fields.EXPIRY -> expiry = parseLong(text);
                case Fields.VERSION -> version = parseLong(text);
                case Fields.NODE -> node = text;
                default -> {
                    if (field.startsWith(Fields.EXTRA_PREFIX)) {
                        extras.put(field.substring(Fields.EXTRA_PREFIX.length()), text);
                    }
                }
            }
        }
        return new StoredSession(id, created, accessed, maxInactive, expiry, node, version, extras, attributes, size,
                redisTimeMillis, readAtMillis);
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
    public Map<String, String> extras() { return extras; }
    /** Attribute name to stored value bytes, not decoded. */
    public Map<String, byte[]> attributes() { return attributes; }
    /** Bytes read from Redis for this session. */
    public long sizeBytes() { return sizeBytes; }

    /** Redis's clock (TIME, epoch millis) when this was read. */
    public long redisTimeMillis() { return redisTimeMillis; }
    /** The reading node's clock (epoch millis) just before it asked. */
    public long readAtMillis() { return readAtMillis; }

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
