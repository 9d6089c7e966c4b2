package io.redissessions.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Session ids in log lines. A session id is a bearer secret: whoever reads it in a log can take
 * over the session. Lines at INFO and above therefore show a fingerprint instead: the first 8 hex
 * digits of the SHA-256 of the id without its node suffix. It is the same on every node and in
 * both containers, so lines about one session can be correlated across the cluster, and it cannot
 * be turned back into the id (the id has far more entropy than the 32 bits shown).
 */
public final class SessionIds {

    private SessionIds() {
    }

    /**
     * The fingerprint of a session id, e.g. {@code #1f3a9c07}. A node suffix ({@code .jvmRoute} or
     * a Jetty worker name, everything from the last '.') is ignored, so the fingerprint of a
     * session is the same whichever node's suffix its cookie carries.
     */
    public static String fingerprint(String id) {
        if (id == null) {
            return "#none";
        }
        int dot = id.lastIndexOf('.');
        String clusterId = dot > 0 ? id.substring(0, dot) : id;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(clusterId.getBytes(StandardCharsets.UTF_8));
            return "#" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
