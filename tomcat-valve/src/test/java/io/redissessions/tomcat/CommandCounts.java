package io.redissessions.tomcat;

import io.redissessions.testing.RedisServer;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Calls per command from INFO commandstats (INFO, AUTH, HELLO, CLIENT and PING left out). */
record CommandCounts(Map<String, Long> calls) {

    private static final Pattern LINE = Pattern.compile("cmdstat_([a-z|_-]+):calls=(\\d+)");

    static CommandCounts read(RedisServer server) {
        String info = server.command("INFO", "commandstats");
        Map<String, Long> calls = new HashMap<>();
        Matcher m = LINE.matcher(info);
        while (m.find()) {
            calls.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return new CommandCounts(calls);
    }

    /** Commands the client sent since {@code earlier}, with counts; commands run inside scripts left out. */
    Map<String, Long> minus(CommandCounts earlier) {
        Map<String, Long> delta = new HashMap<>();
        calls.forEach((cmd, n) -> {
            long d = n - earlier.calls.getOrDefault(cmd, 0L);
            if (d > 0 && !cmd.equals("info") && !cmd.equals("auth") && !cmd.equals("hello")
                    && !cmd.startsWith("client") && !cmd.equals("ping")) {
                delta.put(cmd, d);
            }
        });
        return delta;
    }
}
