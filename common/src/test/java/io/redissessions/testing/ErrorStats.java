package io.redissessions.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Error replies per kind from INFO errorstats (Redis 6.2+), read over a fixture connection: the
 * proof that Redis really answered a client with, say, {@code -LOADING} or {@code -NOPERM}.
 */
public record ErrorStats(Map<String, Long> counts) {

    private static final Pattern LINE = Pattern.compile("errorstat_([A-Z_-]+):count=(\\d+)");

    public static ErrorStats read(RedisServer server) {
        String info = server.command("INFO", "errorstats");
        Map<String, Long> counts = new HashMap<>();
        Matcher m = LINE.matcher(info);
        while (m.find()) {
            counts.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return new ErrorStats(counts);
    }

    /** How many replies of this kind (the first word of the reply, e.g. {@code NOPERM}) were sent. */
    public long count(String kind) {
        return counts.getOrDefault(kind, 0L);
    }
}
