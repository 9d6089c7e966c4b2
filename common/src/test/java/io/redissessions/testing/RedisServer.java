package io.redissessions.testing;

import javax.net.ssl.SSLSocket;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One redis-server (or sentinel) process for tests, on an ephemeral loopback port and its own temp
 * directory, stopped by its PID. Build with {@link #builder()}; {@link #close()} stops it and
 * removes the directory.
 *
 * <p>It listens on one transport: plain TCP (default), TLS only ({@link Builder#tls(TlsMaterial)},
 * plain port 0) or a Unix socket only ({@link Builder#unixSocket()}, port 0). {@link #uri()} gives
 * the matching redis-sessions URI without credentials; {@link #password()} and
 * {@link #uri(String, String)} cover servers with {@link Builder#password(String)} or
 * {@link Builder#aclUser(String, String)}. The fixture's own commands ({@link #command(String...)})
 * go over the same transport, authenticated as the default user.
 */
public final class RedisServer implements AutoCloseable {

    /** How clients reach the server. */
    public enum Transport { TCP, TLS, UNIX }

    private final Path dir;
    private final Map<String, String> config;
    private final boolean sentinel;
    private final int port;
    private final Transport transport;
    private final TlsMaterial tls;
    private final TlsMaterial.ServerCertificate certificate;
    /** The fixture's own user and password ({@link Builder#fixtureCredentials}), or null: the default user. */
    private final String[] fixtureCredentials;
    private Process process;
    private boolean paused;

    private RedisServer(Path dir, Map<String, String> config, boolean sentinel, int port,
                        Transport transport, TlsMaterial tls, TlsMaterial.ServerCertificate certificate,
                        String[] fixtureCredentials) {
        this.dir = dir;
        this.fixtureCredentials = fixtureCredentials;
        this.config = config;
        this.sentinel = sentinel;
        this.port = port;
        this.transport = transport;
        this.tls = tls;
        this.certificate = certificate;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A plain standalone server on 127.0.0.1 with persistence off. */
    public static RedisServer startStandalone() {
        return builder().start();
    }

    /** The TCP port (the TLS port for a TLS server; 0 for a Unix-socket-only server). */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1}, or {@code localhost} for TLS (the name the certificate is checked against). */
    public String host() {
        return transport == Transport.TLS ? "localhost" : "127.0.0.1";
    }

    public Transport transport() {
        return transport;
    }

    /** The socket file of a {@link Builder#unixSocket()} server, else null. */
    public Path unixSocket() {
        String s = config.get("unixsocket");
        return s == null ? null : Path.of(s);
    }

    /** The default user's password ({@code requirepass}), or null. */
    public String password() {
        return config.get("requirepass");
    }

    /** The TLS material of a {@link Builder#tls(TlsMaterial)} server: trust store and password. */
    public TlsMaterial tls() {
        return tls;
    }

    /** The certificate a TLS server presents, else null. */
    public TlsMaterial.ServerCertificate certificate() {
        return certificate;
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

    /**
     * The redis-sessions URI, without credentials: {@code redis://127.0.0.1:<port>},
     * {@code rediss://localhost:<port>} or {@code unix:///path/redis.sock}.
     */
    public String uri() {
        return switch (transport) {
            case TCP -> "redis://127.0.0.1:" + port;
            case TLS -> "rediss://localhost:" + port;
            case UNIX -> "unix://" + unixSocket();
        };
    }

    /** {@link #uri()} with credentials (URL-encoded); user may be null for the default user. */
    public String uri(String user, String password) {
        String userInfo = (user == null ? "" : enc(user)) + ":" + enc(Objects.requireNonNull(password));
        return switch (transport) {
            case TCP -> "redis://" + userInfo + "@127.0.0.1:" + port;
            case TLS -> "rediss://" + userInfo + "@localhost:" + port;
            case UNIX -> "unix://" + unixSocket() + "?" + (user == null ? "" : "user=" + enc(user) + "&")
                    + "password=" + enc(password);
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public Path logFile() {
        return dir.resolve("redis.log");
    }

    /**
     * Sends one command over a fresh connection (the server's transport, authenticated as the
     * default user) and returns the reply: status/error/integer lines as sent ({@code +OK},
     * {@code -ERR ...}, {@code :1}), bulk strings as text, arrays one element per line.
     */
    public String command(String... args) {
        return commands(List.<String[]>of(args)).get(0);
    }

    /** Sends several commands, in order, over one fresh connection; returns their replies. */
    public List<String> commands(List<String[]> commands) {
        return commands(commands, Duration.ofSeconds(10));
    }

    /**
     * Sends one command and waits at most {@code timeout} for its reply.
     *
     * @throws IllegalStateException if no reply came in time (or the connection failed)
     */
    public String commandWithin(Duration timeout, String... args) {
        return commands(List.<String[]>of(args), timeout).get(0);
    }

    /** True if the server answers PING (with anything, an error reply included) within {@code timeout}. */
    public boolean answersWithin(Duration timeout) {
        try {
            commandWithin(timeout, "PING");
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private List<String> commands(List<String[]> commands, Duration timeout) {
        try (Conn c = connect()) {
            c.socketTimeout((int) timeout.toMillis());
            OutputStream out = c.out();
            InputStream in = c.in();
            if (fixtureCredentials != null) {
                Resp.write(out, "AUTH", fixtureCredentials[0], fixtureCredentials[1]);
                String auth = Resp.readReply(in);
                if (auth == null || !auth.startsWith("+OK")) {
                    throw new IllegalStateException("AUTH " + fixtureCredentials[0] + " failed: " + auth);
                }
            } else if (password() != null) {
                Resp.write(out, "AUTH", password());
                String auth = Resp.readReply(in);
                if (auth == null || !auth.startsWith("+OK")) {
                    throw new IllegalStateException("AUTH failed: " + auth);
                }
            }
            List<String> replies = new ArrayList<>();
            for (String[] args : commands) {
                Resp.write(out, args);
                replies.add(Resp.readReply(in));
            }
            return replies;
        } catch (IOException e) {
            throw new IllegalStateException("redis command " + String.join(" ", commands.get(0))
                    + " on " + uri() + " failed: " + e, e);
        }
    }

    /** One of the fixture's own connections. */
    private interface Conn extends Closeable {
        InputStream in() throws IOException;

        OutputStream out() throws IOException;

        void socketTimeout(int millis) throws IOException;
    }

    private Conn connect() throws IOException {
        switch (transport) {
            case UNIX: {
                SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(unixSocket()));
                return new Conn() {
                    public InputStream in() { return Channels.newInputStream(ch); }
                    public OutputStream out() { return Channels.newOutputStream(ch); }
                    public void socketTimeout(int millis) { /* blocking channel: local server answers */ }
                    public void close() throws IOException { ch.close(); }
                };
            }
            case TLS: {
                Socket plain = new Socket();
                try {
                    plain.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    plain.setSoTimeout(10_000);
                    // the server's own certificate doubles as client certificate (tls-auth-clients yes)
                    SSLSocket ssl = (SSLSocket) tls.clientContext(certificate).getSocketFactory()
                            .createSocket(plain, "localhost", port, true);
                    ssl.startHandshake();
                    return socketConn(ssl);
                } catch (IOException | RuntimeException e) {
                    plain.close();
                    throw e;
                }
            }
            default: {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
                return socketConn(s);
            }
        }
    }

    private static Conn socketConn(Socket s) {
        return new Conn() {
            public InputStream in() throws IOException { return s.getInputStream(); }
            public OutputStream out() throws IOException { return s.getOutputStream(); }
            public void socketTimeout(int millis) throws IOException { s.setSoTimeout(millis); }
            public void close() throws IOException { s.close(); }
        };
    }

    /** Starts (or restarts, on the same port and directory) the process and waits until it answers PING. */
    public synchronized RedisServer start() {
        if (isAlive()) {
            return this;
        }
        launch();
        awaitReady(Duration.ofSeconds(20));
        return this;
    }

    /**
     * Starts (or restarts) the process without waiting until it is ready, e.g. to see it answer
     * LOADING while it loads its data; see {@link #awaitReady}.
     */
    public synchronized RedisServer launch() {
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
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server: " + e.getMessage(), e);
        }
    }

    /** Waits until the process answers PING with PONG (it has loaded its data); fails if it exits. */
    public void awaitReady(Duration timeout) {
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
        if (transport == Transport.TCP && "0".equals(config.get("port"))) {
            // no listener the fixture knows of: wait for the log line instead
            return logContains("Ready to accept connections");
        }
        if (transport == Transport.UNIX && !Files.exists(unixSocket())) {
            return false;
        }
        try {
            String pong = command("PING");
            return pong != null && pong.startsWith("+PONG");
        } catch (IllegalStateException e) {
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

    /**
     * Stops the process with SIGSTOP, as a stalled server: the kernel still completes TCP
     * handshakes and buffers what clients send, but nothing is answered until {@link #resume()}.
     */
    public synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}: the server reads what was buffered and answers again. */
    public synchronized void resume() {
        signal("CONT");
        paused = false;
    }

    private void signal(String name) {
        if (!isAlive()) {
            throw new IllegalStateException("redis-server is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid()))
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid() + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A field of {@code INFO <section>}, e.g. {@code info("stats", "total_connections_received")}. */
    public String info(String section, String field) {
        String prefix = field + ":";
        return command("INFO", section).lines().filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()).trim()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + field + " in INFO " + section));
    }

    /** Stops the process by its PID (SIGTERM, then SIGKILL after 10 s); the directory stays. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        if (paused && process.isAlive()) {
            resume(); // a stopped process would not act on SIGTERM
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
        TestFiles.deleteRecursively(dir);
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
        private Transport transport = Transport.TCP;
        private TlsMaterial tls;
        private TlsMaterial.ServerCertificate certificate;
        private String[] fixtureCredentials;

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

        /** The default user's password: {@code requirepass}. */
        public Builder password(String password) {
            return set("requirepass", password);
        }

        /** An ACL user with every permission: {@code user <name> on >password ~* &* +@all}. */
        public Builder aclUser(String user, String password) {
            return set("user " + user, "on >" + password + " ~* &* +@all");
        }

        /**
         * The fixture's own commands authenticate as this user (declare it with
         * {@link #aclUser}), so that tests may change the default user's password or an
         * application user's rights without locking the fixture out.
         */
        public Builder fixtureCredentials(String user, String password) {
            this.fixtureCredentials = new String[] {Objects.requireNonNull(user), Objects.requireNonNull(password)};
            return this;
        }

        /** Listens on {@code <dir>/redis.sock} only (port 0). */
        public Builder unixSocket() {
            this.transport = Transport.UNIX;
            return this;
        }

        /** Listens with TLS only (port 0), with material's certificate for localhost and 127.0.0.1. */
        public Builder tls(TlsMaterial material) {
            return tls(material, material.localhostCertificate());
        }

        /**
         * Listens with TLS only, presenting the given certificate. Clients need no certificate
         * unless {@code set("tls-auth-clients", "yes")}; the fixture then presents the same one.
         */
        public Builder tls(TlsMaterial material, TlsMaterial.ServerCertificate certificate) {
            this.transport = Transport.TLS;
            this.tls = Objects.requireNonNull(material);
            this.certificate = Objects.requireNonNull(certificate);
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
            int p = transport == Transport.UNIX ? 0 : port != null ? port : freePort();
            Map<String, String> c = new LinkedHashMap<>(config);
            try {
                Path dir = Files.createTempDirectory("redis-sessions-test");
                c.put("dir", dir.toString());
                switch (transport) {
                    case UNIX -> {
                        c.put("port", "0");
                        c.put("unixsocket", dir.resolve("redis.sock").toString());
                        c.put("unixsocketperm", "700");
                    }
                    case TLS -> {
                        c.put("port", "0");
                        c.put("tls-port", Integer.toString(p));
                        c.put("tls-cert-file", certificate.certificatePem().toString());
                        c.put("tls-key-file", certificate.privateKeyPem().toString());
                        c.put("tls-ca-cert-file", tls.caCertificatePem().toString());
                        c.putIfAbsent("tls-auth-clients", "no"); // set("tls-auth-clients", "yes") to demand one
                    }
                    default -> c.putIfAbsent("port", Integer.toString(p));
                }
                return new RedisServer(dir, c, sentinel, p, transport, tls, certificate, fixtureCredentials);
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
                    if (port != null || transport == Transport.UNIX) {
                        break;
                    }
                }
            }
            throw last;
        }
    }
}
