package io.redissessions.core.store;

import java.util.Collections;
import java.util.Map;

/**
 * A session as read from Redis in one round trip: metadata, container extras, and attribute
 * values still encoded (decoding is left to whoever asks for an attribute).
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

    public StoredSession(String id, long createdMillis, long accessedMillis, int maxInactiveSeconds, long expiryMillis,
                         String node, long version, Map<String, String> extras, Map<String, byte[]> attributes,
                         long sizeBytes) {
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
    }

    public String id() { return id; }
    public long createdMillis() { return createdMillis; }
    /** The last access that was stored (touch throttling may have skipped later ones). */
    public long accessedMillis() { return accessedMillis; }
    /** Seconds; 0 or less means the session never expires. */
    public int maxInactiveSeconds() { return maxInactiveSeconds; }
    /** Epoch millis; 0 means never. */
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

    /** Expiry is decided by what is stored, never by a node's local copy. */
    public boolean isExpiredAt(long nowMillis) {
        return expiryMillis > 0 && expiryMillis <= nowMillis;
    }

    @Override
    public String toString() {
        return "StoredSession[id=" + id + ", v=" + version + ", expiry=" + expiryMillis + ", attributes="
                + attributes.keySet() + "]";
    }
}
