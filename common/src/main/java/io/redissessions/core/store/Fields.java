package io.redissessions.core.store;

/** Field names of the session hash (wire format 1). */
public final class Fields {
    public static final String FORMAT = "#fmt";
    public static final String CREATED = "#created";
    public static final String ACCESSED = "#accessed";
    public static final String MAX_INACTIVE = "#maxInactive";
    public static final String EXPIRY = "#expiry";
    public static final String NODE = "#node";
    public static final String VERSION = "#v";
    /** With a signing key, after an id change: the id the session's fields are signed with (its first id). */
    public static final String BINDING_ID = "#bid";
    /** With a signing key, after an id change: HMAC binding the current id to {@link #BINDING_ID}, hex. */
    public static final String BINDING_MAC = "#bmac";
    /** Container extras: {@code #x:<name>}, text values ({@link io.redissessions.core.codec.ExtraCodec}). */
    public static final String EXTRA_PREFIX = "#x:";
    /** Attributes: {@code a:<name>}, values in the {@link io.redissessions.core.codec.ValueCodec} form. */
    public static final String ATTRIBUTE_PREFIX = "a:";

    public static final String FORMAT_VERSION = "1";

    private Fields() {
    }
}
