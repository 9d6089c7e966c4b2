package io.redissessions.core.codec;

import java.util.Objects;

/**
 * Where a signed field lives, as far as its signature is concerned: the key prefix and namespace
 * of its session's key, and the session's binding id (the id the session was created with; a
 * session whose id changed keeps it in {@code #bid}, bound to the current id by {@code #bmac}).
 * The field's MAC covers these and the field's name, so a value copied to another field, session
 * or namespace does not verify. See docs/wire-format.md, "Signatures".
 */
public record SignatureScope(String keyPrefix, String namespace, String bindingId) {

    public SignatureScope {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(bindingId, "bindingId");
    }
}
