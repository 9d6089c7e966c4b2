package io.redissessions.core.codec;

import io.redissessions.core.ConfigurationException;
import io.redissessions.core.SessionStoreConfig;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The HMAC-SHA256 signatures of wire format 1 (docs/wire-format.md, "Signatures"), under the
 * {@code signingKey} that only the nodes hold.
 *
 * <ul>
 *   <li>A field's MAC: {@code HMAC(key, LP("rs-field-1") LP(keyPrefix) LP(namespace) LP(bindingId)
 *       LP(field name) stored bytes before the MAC)}, where {@code LP(s)} is the length of the UTF-8
 *       bytes of {@code s} as 4 bytes big-endian, then those bytes. It binds a value to the field,
 *       the session and the namespace it was written for.</li>
 *   <li>The binding MAC ({@code #bmac}, lower-case hex): {@code HMAC(key, LP("rs-bind-1")
 *       LP(keyPrefix) LP(namespace) LP(session id) LP(binding id))}; it binds a session's current id
 *       to the binding id its fields were signed with, after an id change.</li>
 *   <li>The MAC of releases before: {@code HMAC(key, stored bytes before the MAC)}, bound to
 *       nothing; accepted only with {@code legacySignatures=accept}.</li>
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class Signatures {

    /** Bytes of a MAC. */
    public static final int MAC_BYTES = 32;

    private static final String HMAC = "HmacSHA256";
    private static final Signatures NONE = new Signatures(null, false);

    private final SecretKeySpec key;
    private final boolean acceptLegacy;

    /**
     * @param keyOrNull    at least {@value SessionStoreConfig#MIN_SIGNING_KEY_BYTES} bytes, or null
     *                     for none; the array is copied
     * @param acceptLegacy also accept what releases before signed (unbound MACs) and left unsigned
     *                     (container extras): for the duration of an upgrade
     * @throws ConfigurationException naming the setting when the key is too short
     */
    public Signatures(byte[] keyOrNull, boolean acceptLegacy) {
        if (keyOrNull != null && keyOrNull.length < SessionStoreConfig.MIN_SIGNING_KEY_BYTES) {
            throw new ConfigurationException("signingKey", "****",
                    "at least " + SessionStoreConfig.MIN_SIGNING_KEY_BYTES + " bytes; use a long random secret");
        }
        this.key = keyOrNull == null ? null : new SecretKeySpec(keyOrNull.clone(), HMAC);
        this.acceptLegacy = acceptLegacy;
        if (key != null) {
            newMac(); // fail now, not while decoding, should the JVM lack HmacSHA256
        }
    }

    /** No key: nothing is signed, nothing is checked. */
    public static Signatures none() {
        return NONE;
    }

    /** Whether a key is set: fields are signed, and must be. */
    public boolean enabled() {
        return key != null;
    }

    /** Whether what releases before signed or left unsigned is accepted ({@code legacySignatures=accept}). */
    public boolean acceptsLegacy() {
        return acceptLegacy;
    }

    /** The MAC of the first {@code length} bytes of {@code data} as field {@code field} of {@code scope}. */
    byte[] fieldMac(SignatureScope scope, String field, byte[] data, int length) {
        Mac mac = newMac();
        lengthPrefixed(mac, "rs-field-1");
        lengthPrefixed(mac, scope.keyPrefix());
        lengthPrefixed(mac, scope.namespace());
        lengthPrefixed(mac, scope.bindingId());
        lengthPrefixed(mac, field);
        mac.update(data, 0, length);
        return mac.doFinal();
    }

    /** The MAC of releases before: over the bytes alone. */
    byte[] legacyMac(byte[] data, int length) {
        Mac mac = newMac();
        mac.update(data, 0, length);
        return mac.doFinal();
    }

    /** {@code #bmac}: binds session {@code sessionId} to the binding id its fields were signed with. */
    public String bindingMac(String keyPrefix, String namespace, String sessionId, String bindingId) {
        Mac mac = newMac();
        lengthPrefixed(mac, "rs-bind-1");
        lengthPrefixed(mac, keyPrefix);
        lengthPrefixed(mac, namespace);
        lengthPrefixed(mac, sessionId);
        lengthPrefixed(mac, bindingId);
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /** Whether {@code macText} is the {@link #bindingMac} of these (compared in constant time). */
    public boolean bindingValid(String keyPrefix, String namespace, String sessionId, String bindingId, String macText) {
        if (macText == null) {
            return false;
        }
        byte[] expected = bindingMac(keyPrefix, namespace, sessionId, bindingId).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, macText.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the last {@value #MAC_BYTES} bytes of {@code stored} are {@code mac}, in constant time. */
    static boolean macMatches(byte[] stored, byte[] mac) {
        if (stored.length < MAC_BYTES) {
            return false;
        }
        return MessageDigest.isEqual(mac, java.util.Arrays.copyOfRange(stored, stored.length - MAC_BYTES, stored.length));
    }

    private static void lengthPrefixed(Mac mac, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        mac.update(bytes);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " is not available in this JVM", e);
        }
    }
}
