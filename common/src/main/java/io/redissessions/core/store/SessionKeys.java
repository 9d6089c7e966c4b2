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

    private String tag(int shard) {
        return prefix + "{" + namespace + ":" + (shard < 10 ? "0" : "") + shard + "}";
    }
}
