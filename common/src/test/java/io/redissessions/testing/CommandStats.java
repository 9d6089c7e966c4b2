package io.redissessions.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls per command from INFO commandstats, read over a fixture connection. Redis counts the
 * commands a script runs inside itself too: compare script-internal commands with care.
 */
public record CommandStats(Map<String, Long> calls) {

    private static final Pattern LINE = Pattern.compile("cmdstat_([a-z|_-]+):calls=(\\d+)");

    public static CommandStats read(RedisServer server) {
        String info = server.command("INFO", "commandstats");
        Map<String, Long> calls = new HashMap<>();
        Matcher m = LINE.matcher(info);
        while (m.find()) {
            calls.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return new CommandStats(calls);
    }

    /** Commands whose call count grew, with the growth; INFO, AUTH, HELLO, CLIENT and PING are left out. */
    public Map<String, Long> minus(CommandStats earlier) {
        Map<String, Long> delta = new HashMap<>();
        calls.forEach((cmd, n) -> {
            long d = n - earlier.calls.getOrDefault(cmd, 0L);
            if (d > 0 && !cmd.equals("info") && !cmd.equals("auth") && !cmd.equals("hello") && !cmd.startsWith("client") && !cmd.equals("ping")) {
                delta.put(cmd, d);
            }
        });
        return delta;
    }
}
