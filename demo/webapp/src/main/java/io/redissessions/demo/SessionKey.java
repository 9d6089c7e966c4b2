package io.redissessions.demo;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The Redis key of a session, computed as docs/wire-format.md of redis-sessions says:
 * {@code <keyPrefix>{<namespace>:<shard>}:s:<sessionId>}, where shard is CRC-32 of the UTF-8
 * session id modulo 16, written as two digits.
 */
public final class SessionKey {

    /** Fixed by wire format 1. */
    static final int SHARDS = 16;

    private SessionKey() {
    }

    /** {@code sessionId} may carry a node suffix (Tomcat's {@code .jvmRoute}, Jetty's {@code .workerName}): it is not part of the key. */
    public static String of(String keyPrefix, String namespace, String sessionId) {
        int dot = sessionId.lastIndexOf('.');
        if (dot > 0) {
            sessionId = sessionId.substring(0, dot);
        }
        return keyPrefix + "{" + namespace + ":" + String.format("%02d", shard(sessionId)) + "}:s:" + sessionId;
    }

    static int shard(String sessionId) {
        CRC32 crc = new CRC32();
        crc.update(sessionId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SHARDS);
    }
}
