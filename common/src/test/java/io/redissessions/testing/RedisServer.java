package io.redissessions.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One redis-server (or sentinel) process for tests, on an ephemeral loopback port and its own temp
 * directory, stopped by its PID. Build with {@link #builder()}; {@link #close()} stops it and
 * removes the directory.
 */
public final class RedisServer implements AutoCloseable {

    private final Path dir;
    private final Map<String, String> config;
    private final boolean sentinel;
    private final int port;
    private Process process;

    private RedisServer(Path dir, Map<String, String> config, boolean sentinel, int port) {
        this.dir = dir;
        this.config = config;
        this.sentinel = sentinel;
        this.port = port;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A plain standalone server on 127.0.0.1 with persistence off. */
    public static RedisServer startStandalone() {
        return builder().start();
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@code redis://127.0.0.1:<port>} */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public Path logFile() {
        return dir.resolve("redis.log");
    }

    /** Sends one command over a fresh plain-TCP connection and returns the raw RESP reply. */
    public String command(String... args) {
        return Resp.command("127.0.0.1", port, config.get("requirepass"), args);
    }

    /** Starts (or restarts, on the same port and directory) the process and waits until it answers PING. */
    public synchronized RedisServer start() {
        if (isAlive()) {
            return this;
        }
        try {
            Path conf = dir.resolve(sentinel ? "sentinel.conf" : "redis.conf");
            if (!Files.exists(conf) || !sentinel) {
                StringBuilder sb = new StringBuilder();
                config.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
                Files.writeString(conf, sb.toString());
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(RedisBinary.redisServer().toString());
            cmd.add(conf.toString());
            if (sentinel) {
                cmd.add("--sentinel");
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()));
            process = pb.start();
            waitUntilReady(Duration.ofSeconds(20));
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server: " + e.getMessage(), e);
        }
    }

    private void waitUntilReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": " + tail());
            }
            if (ready()) {
                return;
            }
            sleep(20);
        }
        throw new IllegalStateException("redis-server did not answer PING within " + timeout + ": " + tail());
    }

    private boolean ready() {
        if (config.containsKey("port") && "0".equals(config.get("port"))) {
            // TLS-only or unix-only: wait for the log line instead
            return logContains("Ready to accept connections");
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public boolean logContains(String text) {
        try {
            for (Path f : List.of(logFile(), dir.resolve("stdout.log"))) {
                if (Files.exists(f) && Files.readString(f, StandardCharsets.ISO_8859_1).contains(text)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private String tail() {
        StringBuilder sb = new StringBuilder();
        for (Path f : List.of(logFile(), dir.resolve("stdout.log"))) {
            try {
                if (Files.exists(f)) {
                    String s = Files.readString(f, StandardCharsets.ISO_8859_1);
                    sb.append(s, Math.max(0, s.length() - 2000), s.length());
                }
            } catch (IOException ignored) {
                // best effort
            }
        }
        return sb.toString();
    }

    /** Stops the process by its PID (SIGTERM, then SIGKILL after 10 s); the directory stays. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process with SIGKILL, as a crash would. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(dir);
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files; best effort
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Returns a free TCP port on loopback (the usual small race is retried by callers). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Configures one server. Every directive is written to a redis.conf in a fresh temp dir. */
    public static final class Builder {
        private final Map<String, String> config = new LinkedHashMap<>();
        private boolean sentinel;
        private Integer port;

        private Builder() {
            config.put("bind", "127.0.0.1");
            config.put("save", "\"\"");
            config.put("appendonly", "no");
            config.put("logfile", "redis.log");
            config.put("daemonize", "no");
        }

        /** Adds or replaces a redis.conf directive. */
        public Builder set(String directive, String value) {
            config.put(directive, value);
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Starts it as {@code redis-server sentinel.conf --sentinel}. */
        public Builder sentinel() {
            this.sentinel = true;
            config.remove("save");
            config.remove("appendonly");
            return this;
        }

        public RedisServer build() {
            int p = port != null ? port : freePort();
            Map<String, String> c = new LinkedHashMap<>(config);
            c.putIfAbsent("port", Integer.toString(p));
            try {
                Path dir = Files.createTempDirectory("redis-sessions-test");
                c.put("dir", dir.toString());
                return new RedisServer(dir, c, sentinel, p);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public RedisServer start() {
            IllegalStateException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                RedisServer server = build();
                try {
                    return server.start();
                } catch (IllegalStateException e) {
                    // the ephemeral port may have been taken between freePort() and bind
                    server.close();
                    last = e;
                    if (port != null) {
                        break;
                    }
                }
            }
            throw last;
        }
    }

    /** A minimal RESP client for fixtures, independent of the code under test. */
    public static final class Resp {
        private Resp() {
        }

        public static String command(String host, int port, String password, String... args) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                if (password != null) {
                    write(out, "AUTH", password);
                    readReply(in);
                }
                write(out, args);
                return readReply(in);
            } catch (IOException e) {
                throw new IllegalStateException("redis command " + String.join(" ", args) + " failed: " + e, e);
            }
        }

        static void write(OutputStream out, String... args) throws IOException {
            StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        static String readReply(InputStream in) throws IOException {
            String line = readLine(in);
            char type = line.charAt(0);
            switch (type) {
                case '+', '-', ':':
                    return line;
                case '$': {
                    int len = Integer.parseInt(line.substring(1));
                    if (len < 0) {
                        return null;
                    }
                    byte[] b = in.readNBytes(len + 2);
                    return new String(b, 0, len, StandardCharsets.UTF_8);
                }
                case '*': {
                    int n = Integer.parseInt(line.substring(1));
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < n; i++) {
                        sb.append(readReply(in)).append('\n');
                    }
                    return sb.toString();
                }
                default:
                    return line;
            }
        }

        static String readLine(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\r') {
                    in.read();
                    break;
                }
                sb.append((char) c);
            }
            if (c == -1 && sb.length() == 0) {
                throw new IOException("connection closed");
            }
            return sb.toString();
        }
    }
}
