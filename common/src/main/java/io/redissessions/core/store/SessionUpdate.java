package io.redissessions.core.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one save writes: the fields that changed and the new expiry. Built by {@link SessionState}
 * or directly by an adapter. A save of an existing session never re-creates it when another node
 * deleted it meanwhile.
 */
public final class SessionUpdate {

    private final String id;
    private final boolean create;
    private final long accessedMillis;
    private final int maxInactiveSeconds;
    private final long expiryMillis;
    private final Map<String, byte[]> fields;
    private final Set<String> removedFields;
    private final List<Resigned> resigned;

    /** A field signed anew ({@code legacySignatures=accept}): replaced only if it still holds the bytes loaded. */
    public record Resigned(String field, byte[] loaded, byte[] replacement) {
    }

    private SessionUpdate(Builder b) {
        this.id = b.id;
        this.create = b.create;
        this.accessedMillis = b.accessedMillis;
        this.maxInactiveSeconds = b.maxInactiveSeconds;
        this.expiryMillis = b.expiryMillis;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(b.fields));
        this.removedFields = Collections.unmodifiableSet(new LinkedHashSet<>(b.removedFields));
        this.resigned = List.copyOf(b.resigned);
    }

    /** A save of a session that must already exist. */
    public static Builder update(String id) {
        return new Builder(id, false);
    }

    /** A save that creates the session; it fails if the id is taken. */
    public static Builder create(String id) {
        return new Builder(id, true);
    }

    public String id() { return id; }
    public boolean isCreate() { return create; }
    /** The access time, epoch millis on the saving node's clock. */
    public long accessedMillis() { return accessedMillis; }
    /** Seconds; 0 or less never expires. */
    public int maxInactiveSeconds() { return maxInactiveSeconds; }
    /**
     * Epoch millis on the saving node's clock; 0 = never. The save stores it on Redis's clock: Redis's
     * time plus what is left of it by the node's clock when the save is sent.
     */
    public long expiryMillis() { return expiryMillis; }
    /** Raw hash fields to set (metadata, extras, attributes), already encoded. */
    public Map<String, byte[]> fields() { return fields; }
    /** Raw hash fields to delete. */
    public Set<String> removedFields() { return removedFields; }
    /** Fields signed anew, each replaced only if it is still as loaded. */
    public List<Resigned> resigned() { return resigned; }

    /** Names of the attributes this update sets or removes, for logs and tests. */
    public List<String> changedAttributeNames() {
        List<String> names = new ArrayList<>();
        for (String f : fields.keySet()) {
            if (f.startsWith(Fields.ATTRIBUTE_PREFIX)) {
                names.add(f.substring(Fields.ATTRIBUTE_PREFIX.length()));
            }
        }
        for (String f : removedFields) {
            if (f.startsWith(Fields.ATTRIBUTE_PREFIX)) {
                names.add(f.substring(Fields.ATTRIBUTE_PREFIX.length()));
            }
        }
        return names;
    }

    /** Builds an update; metadata setters write the matching {@code #} fields. */
    public static final class Builder {
        private final String id;
        private final boolean create;
        private long accessedMillis = -1;
        private int maxInactiveSeconds;
        private long expiryMillis;
        private final Map<String, byte[]> fields = new LinkedHashMap<>();
        private final Set<String> removedFields = new LinkedHashSet<>();
        private final List<Resigned> resigned = new ArrayList<>();

        private Builder(String id, boolean create) {
            this.id = Objects.requireNonNull(id, "id");
            this.create = create;
        }

        public Builder created(long millis) {
            return text(Fields.CREATED, Long.toString(millis));
        }

        /** The access time and the expiry that follows from it ({@code maxInactiveSeconds <= 0}: never). */
        public Builder accessed(long millis, int maxInactiveSeconds) {
            this.accessedMillis = millis;
            this.maxInactiveSeconds = maxInactiveSeconds;
            this.expiryMillis = maxInactiveSeconds > 0 ? millis + maxInactiveSeconds * 1000L : 0;
            text(Fields.ACCESSED, Long.toString(millis));
            text(Fields.MAX_INACTIVE, Integer.toString(maxInactiveSeconds));
            return text(Fields.EXPIRY, Long.toString(expiryMillis));
        }

        /**
         * Overrides the expiry that {@link #accessed} derived, for containers that keep their own
         * (Jetty's SessionData carries an explicit expiry). Call after {@link #accessed}; 0 = never.
         */
        public Builder expiry(long millis) {
            if (accessedMillis < 0) {
                throw new IllegalStateException("expiry(...) overrides accessed(...): call accessed first");
            }
            this.expiryMillis = Math.max(0, millis);
            return text(Fields.EXPIRY, Long.toString(expiryMillis));
        }

        public Builder node(String node) {
            return text(Fields.NODE, node);
        }

        /**
         * An extra as plain text; null removes it. Plain text is the stored form only without a
         * signing key ({@link SessionState} signs extras with {@link #extra(String, byte[])}).
         */
        public Builder extra(String name, String value) {
            if (value == null) {
                removedFields.add(Fields.EXTRA_PREFIX + name);
                fields.remove(Fields.EXTRA_PREFIX + name);
                return this;
            }
            return text(Fields.EXTRA_PREFIX + name, value);
        }

        /** An extra in its stored form ({@link io.redissessions.core.codec.ExtraCodec}); null removes it. */
        public Builder extra(String name, byte[] encoded) {
            String f = Fields.EXTRA_PREFIX + name;
            if (encoded == null) {
                fields.remove(f);
                removedFields.add(f);
            } else {
                removedFields.remove(f);
                fields.put(f, encoded);
            }
            return this;
        }

        /** Replaces field {@code field} with {@code replacement} if it still holds {@code loaded}. */
        public Builder resign(String field, byte[] loaded, byte[] replacement) {
            resigned.add(new Resigned(field, loaded, replacement));
            return this;
        }

        public Builder attribute(String name, byte[] encoded) {
            String f = Fields.ATTRIBUTE_PREFIX + name;
            removedFields.remove(f);
            fields.put(f, encoded);
            return this;
        }

        public Builder removeAttribute(String name) {
            String f = Fields.ATTRIBUTE_PREFIX + name;
            fields.remove(f);
            removedFields.add(f);
            return this;
        }

        private Builder text(String field, String value) {
            removedFields.remove(field);
            fields.put(field, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return this;
        }

        public boolean hasAccessTime() {
            return accessedMillis >= 0;
        }

        public SessionUpdate build() {
            if (accessedMillis < 0) {
                throw new IllegalStateException("a save must carry the access time and max inactive interval");
            }
            return new SessionUpdate(this);
        }
    }
}
