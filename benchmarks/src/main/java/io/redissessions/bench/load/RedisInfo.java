package io.redissessions.bench.load;

import io.redissessions.testing.RedisServer;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reading of {@code INFO} (stats, cpu, memory, commandstats) of a Redis server. Differences of
 * two readings give what a load cost Redis: commands (commandstats, which counts the commands a
 * script runs inside Redis too), read events ({@code total_reads_processed}: one per request a
 * client sends, one per pipeline, so about the round trips), bytes in and out, CPU.
 */
public record RedisInfo(Map<String, String> fields, Map<String, Long> commandCalls) {

    private static final Pattern CMD = Pattern.compile("cmdstat_([a-z|_-]+):calls=(\\d+)");

    public static RedisInfo read(RedisServer redis) {
        String info = redis.command("INFO", "all");
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        Map<String, Long> calls = new HashMap<>();
        Matcher m = CMD.matcher(info);
        while (m.find()) {
            calls.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return new RedisInfo(fields, calls);
    }

    public long number(String field) {
        String v = fields.get(field);
        if (v == null) {
            throw new IllegalStateException("INFO has no field " + field);
        }
        return Long.parseLong(v);
    }

    public double decimal(String field) {
        String v = fields.get(field);
        if (v == null) {
            throw new IllegalStateException("INFO has no field " + field);
        }
        return Double.parseDouble(v);
    }

    /** What happened between {@code earlier} and this reading, less the INFO call that made this one. */
    public Delta minus(RedisInfo earlier) {
        Map<String, Long> commands = new HashMap<>();
        commandCalls.forEach((cmd, n) -> {
            long d = n - earlier.commandCalls.getOrDefault(cmd, 0L);
            if (d > 0 && !cmd.equals("info")) {
                commands.put(cmd, d);
            }
        });
        return new Delta(commands,
                number("total_reads_processed") - earlier.number("total_reads_processed") - 1,
                number("total_net_input_bytes") - earlier.number("total_net_input_bytes"),
                number("total_net_output_bytes") - earlier.number("total_net_output_bytes"),
                (decimal("used_cpu_user") + decimal("used_cpu_sys")
                        - earlier.decimal("used_cpu_user") - earlier.decimal("used_cpu_sys")) * 1e9,
                number("total_connections_received") - earlier.number("total_connections_received") - 1);
    }

    /** Commands by name, read events, bytes in and out, CPU nanoseconds, connections opened (less the INFO one). */
    public record Delta(Map<String, Long> commands, long reads, long inputBytes, long outputBytes, double cpuNanos,
                        long connections) {

        public long totalCommands() {
            return commands.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
