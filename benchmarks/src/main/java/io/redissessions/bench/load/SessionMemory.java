package io.redissessions.bench.load;

import io.redissessions.testing.RedisServer;

import java.util.List;

/** {@code MEMORY USAGE} of the session keys in Redis. */
public final class SessionMemory {

    private SessionMemory() {
    }

    /** Number of keys matching the pattern and their mean {@code MEMORY USAGE ... SAMPLES 0}. */
    public record Usage(int keys, double meanBytes) {
    }

    public static Usage measure(RedisServer redis, String pattern) {
        List<String> keys = scan(redis, pattern);
        long total = 0;
        for (String key : keys) {
            String reply = redis.command("MEMORY", "USAGE", key, "SAMPLES", "0");
            total += Long.parseLong(reply.substring(1));
        }
        return new Usage(keys.size(), keys.isEmpty() ? 0 : total / (double) keys.size());
    }

    /** Every key matching the pattern (SCAN, so the server is never blocked for long). */
    public static List<String> scan(RedisServer redis, String pattern) {
        java.util.ArrayList<String> keys = new java.util.ArrayList<>();
        String cursor = "0";
        do {
            String[] reply = redis.command("SCAN", cursor, "MATCH", pattern, "COUNT", "1000").split("\n");
            cursor = reply[0];
            for (int i = 1; i < reply.length; i++) {
                if (!reply[i].isEmpty()) {
                    keys.add(reply[i]);
                }
            }
        } while (!cursor.equals("0"));
        return keys;
    }
}
