package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The key layout of wire format 1 (docs/wire-format.md). Sessions of a namespace are spread over
 * {@value #SHARDS} shards; a session's hash and its shard's expiry index share one Redis Cluster
 * hash tag, so that a save (data, TTL and index entry) is one atomic script in every topology.
 *
 * <pre>
 * &lt;prefix&gt;{&lt;namespace&gt;:&lt;shard&gt;}:s:&lt;sessionId&gt;   HASH  one session
 * &lt;prefix&gt;{&lt;namespace&gt;:&lt;shard&gt;}:expiry            ZSET  member = session id, score = expiry millis
 * &lt;prefix&gt;{&lt;namespace&gt;:&lt;shard&gt;}:claimed           ZSET  member = session id, score = lease deadline millis
 * &lt;prefix&gt;{&lt;namespace&gt;:&lt;shard&gt;}:lock:&lt;sessionId&gt; HASH  a request's lock on the session (lockingMode)
 * &lt;prefix&gt;&lt;namespace&gt;:unlocked                    pub/sub channel: wake-ups of requests waiting for a lock
 * </pre>
 *
 * The shard is CRC-32 of the UTF-8 session id modulo {@value #SHARDS}, written as two digits.
 */
public final class SessionKeys {

    /** Fixed by the wire format: every node of a namespace must agree on it. */
    public static final int SHARDS = 16;

    private final String prefix;
    private final String namespace;

    public SessionKeys(String prefix, String namespace) {
        this.prefix = prefix;
        this.namespace = SessionStoreConfig.checkNamespace(namespace);
    }

    public String namespace() {
        return namespace;
    }

    public String prefix() {
        return prefix;
    }

    public static int shardOf(String sessionId) {
        CRC32 crc = new CRC32();
        crc.update(sessionId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SHARDS);
    }

    /** The part before the session id: {@code <prefix>{<ns>:<shard>}:s:}. */
    public String sessionKeyPrefix(int shard) {
        return tag(shard) + ":s:";
    }

    public String sessionKey(String sessionId) {
        return sessionKeyPrefix(shardOf(sessionId)) + sessionId;
    }

    public String indexKey(int shard) {
        return tag(shard) + ":expiry";
    }

    public String indexKeyFor(String sessionId) {
        return indexKey(shardOf(sessionId));
    }

    /** The shard's claimed set: expired sessions that a node is destroying, scored by lease deadline. */
    public String claimedKey(int shard) {
        return tag(shard) + ":claimed";
    }

    public String claimedKeyFor(String sessionId) {
        return claimedKey(shardOf(sessionId));
    }

    /** The lock of a session (lockingMode): same hash tag as the session. */
    public String lockKey(String sessionId) {
        return tag(shardOf(sessionId)) + ":lock:" + sessionId;
    }

    /** The pub/sub channel on which a lock's release wakes the requests that wait for it. */
    public String wakeUpChannel() {
        return prefix + namespace + ":unlocked";
    }

    /**
     * What a lock's release publishes: the first 16 hex digits of the SHA-256 of the session id,
     * so that session ids never travel on the channel. Two sessions with the same tag only wake
     * each other's waiters, who then try again.
     */
    public static String wakeUpTag(String sessionId) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(sessionId.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private String tag(int shard) {
        return prefix + "{" + namespace + ":" + (shard < 10 ? "0" : "") + shard + "}";
    }
}
