package io.redissessions.testing;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Records what one Redis server executes, with {@code MONITOR}: the commands clients send and,
 * marked {@code lua}, the commands their scripts run. Lets a test see which keys a script really
 * touched, by the server's own account.
 */
public final class ScriptMonitor implements AutoCloseable {

    /** One executed command: who ran it (a client address, or {@code lua}) and its arguments. */
    public record Executed(String source, List<String> args) {
        public boolean fromScript() {
            return source.equals("lua");
        }

        public String name() {
            return args.get(0).toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final RedisServer server;
    private final Jedis connection;
    private final Thread reader;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    private ScriptMonitor(RedisServer server) {
        this.server = server;
        this.connection = new Jedis(server.host(), server.port());
        this.reader = new Thread(() -> {
            try {
                connection.monitor(new JedisMonitor() {
                    @Override
                    public void onCommand(String command) {
                        lines.add(command);
                    }
                });
            } catch (RuntimeException e) {
                // closed by close()
            }
        }, "script-monitor");
        reader.setDaemon(true);
    }

    /** Starts monitoring and returns once the server feeds this monitor. */
    public static ScriptMonitor start(RedisServer server) {
        ScriptMonitor m = new ScriptMonitor(server);
        m.reader.start();
        String marker = "monitor-ready-" + UUID.randomUUID();
        Poll.until(Duration.ofSeconds(10), "MONITOR is active", () -> {
            server.command("ECHO", marker);
            return m.lines.stream().anyMatch(l -> l.contains(marker));
        });
        m.lines.clear();
        return m;
    }

    /**
     * What the server executed so far, in order: every command sent before this call (the monitor
     * is read until a marker sent now comes through; MONITOR reports in execution order).
     */
    public List<Executed> executed() {
        String marker = "monitor-caught-up-" + UUID.randomUUID();
        server.command("ECHO", marker);
        Poll.until(Duration.ofSeconds(10), "MONITOR has reported every command sent so far", () -> {
            synchronized (lines) {
                return lines.stream().anyMatch(l -> l.contains(marker));
            }
        });
        List<Executed> out = new ArrayList<>();
        synchronized (lines) {
            for (String line : lines) {
                if (line.contains(marker)) {
                    break;
                }
                int open = line.indexOf('[');
                int close = line.indexOf(']', open);
                if (open < 0 || close < 0) {
                    continue;
                }
                String[] who = line.substring(open + 1, close).split(" ", 2);
                out.add(new Executed(who.length > 1 ? who[1] : who[0], parseArgs(line.substring(close + 1))));
            }
        }
        return out;
    }

    /** Redis's own answer to which arguments of a command are keys ({@code COMMAND GETKEYS}). */
    public List<String> keysOf(List<String> args) {
        if (args.get(0).equalsIgnoreCase("time") || args.get(0).equalsIgnoreCase("publish")) {
            return List.of(); // no key arguments (a pub/sub channel is not a key)
        }
        String[] cmd = new String[args.size() + 2];
        cmd[0] = "COMMAND";
        cmd[1] = "GETKEYS";
        for (int i = 0; i < args.size(); i++) {
            cmd[i + 2] = args.get(i);
        }
        String reply = server.command(cmd);
        if (reply == null || reply.startsWith("-")) {
            throw new IllegalStateException("COMMAND GETKEYS " + args + ": " + reply);
        }
        return reply.isEmpty() ? List.of() : List.of(reply.split("\n"));
    }

    /** The quoted, escaped arguments of a MONITOR line (sdscatrepr format). */
    static List<String> parseArgs(String text) {
        List<String> args = new ArrayList<>();
        int i = 0;
        while ((i = text.indexOf('"', i)) >= 0) {
            StringBuilder sb = new StringBuilder();
            i++;
            while (i < text.length() && text.charAt(i) != '"') {
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < text.length()) {
                    char e = text.charAt(++i);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'a' -> sb.append('\u0007');
                        case 'b' -> sb.append('\b');
                        case 'x' -> {
                            sb.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
                            i += 2;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
                i++;
            }
            args.add(sb.toString());
            i++;
        }
        return args;
    }

    @Override
    public void close() {
        connection.disconnect();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
