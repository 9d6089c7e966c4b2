package io.redissessions.bench.tracking;

import io.redissessions.bench.load.Args;
import io.redissessions.bench.load.Machine;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.SessionState;
import io.redissessions.testing.RedisServer;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The experiment of issue #13 with Redis's server-assisted client-side caching (CLIENT TRACKING),
 * on Redis 7.0 and Jedis 8.0.2 as shipped (Jedis's own client-side cache refuses servers before
 * 7.4 and RESP2, so tracking is driven here by hand, as a node would have to):
 *
 * <ul>
 *   <li>Node A reads a session hash on a connection with {@code CLIENT TRACKING ON REDIRECT <id>}
 *       and keeps it; a second connection of A, subscribed (RESP2) to {@code __redis__:invalidate},
 *       drops a kept session when Redis says its key changed. A kept session costs no round trip.</li>
 *   <li>Node B writes the session (a script, as a save is) and waits for Redis's reply; then a
 *       client asks A for the session. Redis queues the invalidation for A while it runs B's
 *       write, before B's reply: the question is whether A has processed it by the time the
 *       client's next request reaches A.</li>
 * </ul>
 *
 * Variants: the read on A right after B's reply in the same thread ({@code direct}); the read
 * after a loopback hop to a thread of A, as an HTTP request to another node would take
 * ({@code hop}); and the hop with a barrier: A pings its invalidation connection and serves
 * from its copy only after the pong, which proves every earlier invalidation arrived (a round
 * trip, the price of the validated near cache). It counts the stale answers of each, and measures
 * how many reads per second A serves in each way, against the validated near cache of
 * redis-sessions ({@code nearCache=on}) and a plain load, on one thread.
 */
public final class TrackingExperiment {

    private static final String WRITE = "redis.call('HSET', KEYS[1], 'a:counter', ARGV[1]) "
            + "return redis.call('HINCRBY', KEYS[1], '#v', 1)";

    private TrackingExperiment() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("rounds", "20000");
        defaults.put("seconds", "5");
        defaults.put("out", "target/bench/tracking.md");
        defaults.put("command", "benchmarks/run.sh tracking");
        Args args = new Args(argv, defaults);
        int rounds = args.integer("rounds");
        StringBuilder report = new StringBuilder();
        report.append("Run ").append(Machine.now()).append(" on ").append(Machine.describe()).append(".\n\n");
        report.append("Command: `").append(args.get("command")).append("`: ").append(rounds)
                .append(" write-then-read rounds per variant; reads per second over ").append(args.get("seconds"))
                .append(" s each, one thread.\n\n");
        try (RedisServer redis = RedisServer.builder().start()) {
            String key = "rs:{exp:00}:s:" + UUID.randomUUID();
            try (Connection b = connect(redis); TrackedReader a = new TrackedReader(redis)) {
                b.executeCommand(new redis.clients.jedis.CommandArguments(Protocol.Command.HSET).add(key)
                        .add("#v").add("0").add("a:counter").add("0").add("a:payload").add("x".repeat(1024)));
                report.append("| variant | rounds | stale reads | stale share |\n|---|---:|---:|---:|\n");
                for (String variant : List.of("direct", "hop", "hop+barrier")) {
                    long stale = staleReads(a, b, key, rounds, variant);
                    report.append(String.format("| %s | %d | %d | %.3f %% |\n", variant, rounds, stale, 100.0 * stale / rounds));
                    log(variant + ": " + stale + " stale of " + rounds);
                }
                int seconds = args.integer("seconds");
                try (RedisSessionStore plain = store(redis, "off"); RedisSessionStore near = store(redis, "on")) {
                    String id = UUID.randomUUID().toString();
                    SessionState s = plain.newSession(id, 600);
                    s.setAttribute("counter", 0);
                    s.setAttribute("payload", "x".repeat(1024));
                    s.save();
                    ClassLoader loader = TrackingExperiment.class.getClassLoader();
                    Map<String, Runnable> ways = new LinkedHashMap<>();
                    ways.put("tracked copy, no barrier | 0", () -> a.read(key, false));
                    ways.put("tracked copy after a barrier (PING on the invalidation connection) | 1", () -> a.read(key, true));
                    ways.put("redis-sessions, nearCache=on (validated by #v) | 1", () -> near.open(id).getAttribute("counter", loader));
                    ways.put("redis-sessions, nearCache=off | 1", () -> plain.open(id).getAttribute("counter", loader));
                    Map<String, List<Double>> rates = new LinkedHashMap<>();
                    for (int round = 0; round < 5; round++) { // interleaved: the machine's load changes over a run
                        for (Map.Entry<String, Runnable> way : ways.entrySet()) {
                            rates.computeIfAbsent(way.getKey(), k -> new java.util.ArrayList<>()).add(rate(seconds, way.getValue()));
                        }
                    }
                    report.append("\nReads per second of one 1 KB session that nobody changes, one thread: the median of 5 rounds of ")
                            .append(seconds).append(" s, the ways taking turns (the first round is JIT warm-up and counts too):\n\n");
                    report.append("| how A serves the session | round trips per read | reads/s (median) | each round |\n|---|---:|---:|---|\n");
                    rates.forEach((way, r) -> {
                        List<Double> sorted = r.stream().sorted().toList();
                        String[] parts = way.split(" \\| ");
                        report.append(String.format("| %s | %s | %,.0f | %s |\n", parts[0], parts[1], sorted.get(sorted.size() / 2),
                                r.stream().map(x -> String.format("%,.0f", x)).collect(java.util.stream.Collectors.joining(", "))));
                    });
                }
            }
        }
        Path out = Path.of(args.get("out"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.toString());
        System.out.println(report);
        log("report: " + out.toAbsolutePath());
    }

    /**
     * Rounds of: B writes counter = i and has Redis's reply; then A is asked for the session
     * ({@code direct}: at once, on this thread; {@code hop}: over a loopback socket to a thread of
     * A). A read is stale when A answers an earlier counter.
     */
    private static long staleReads(TrackedReader a, Connection b, String key, int rounds, String variant)
            throws IOException {
        boolean barrier = variant.endsWith("+barrier");
        long stale = 0;
        try (Hop hop = variant.startsWith("hop") ? new Hop(() -> a.read(key, barrier)) : null) {
            a.read(key, false); // tracked from now on
            for (int i = 1; i <= rounds; i++) {
                b.executeCommand(new redis.clients.jedis.CommandArguments(Protocol.Command.EVAL).add(WRITE).add(1)
                        .add(key).add(Integer.toString(i)));
                String seen = hop == null ? a.read(key, barrier) : hop.ask();
                if (!seen.equals(Integer.toString(i))) {
                    stale++;
                }
            }
        }
        return stale;
    }

    private static double rate(int seconds, Runnable read) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        long n = 0;
        while (System.nanoTime() < end) {
            read.run();
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static RedisSessionStore store(RedisServer redis, String nearCache) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        c.set("nearCache", nearCache);
        return new RedisSessionStore(c, "exp", Clock.systemUTC());
    }

    static Flushable connect(RedisServer redis) {
        Flushable c = new Flushable(new HostAndPort(redis.host(), redis.port()));
        c.connect();
        return c;
    }

    /** A connection whose buffered commands can be sent without reading a reply (the subscriber reads it). */
    static final class Flushable extends Connection {
        Flushable(HostAndPort address) {
            super(address);
        }

        void send() {
            flush();
        }
    }

    /**
     * Node A: a tracked reading connection, a RESP2 subscriber to the invalidations redirected to
     * it, and the copies it keeps.
     */
    static final class TrackedReader implements AutoCloseable {
        private final Connection reader;
        private final Flushable invalidations;
        private final Map<String, String> copies = new ConcurrentHashMap<>();
        private final AtomicLong pongs = new AtomicLong();
        private final AtomicLong pings = new AtomicLong();
        private final Thread subscriber;
        private volatile boolean closed;

        TrackedReader(RedisServer redis) {
            invalidations = connect(redis);
            long id = (Long) invalidations.executeCommand(new redis.clients.jedis.CommandArguments(Protocol.Command.CLIENT).add("ID"));
            reader = connect(redis);
            reader.executeCommand(new redis.clients.jedis.CommandArguments(Protocol.Command.CLIENT).add("TRACKING").add("ON")
                    .add("REDIRECT").add(Long.toString(id)));
            invalidations.setTimeoutInfinite(); // a subscriber waits for messages as long as it takes
            invalidations.sendCommand(Protocol.Command.SUBSCRIBE, "__redis__:invalidate");
            invalidations.getOne(); // subscribe confirmation
            subscriber = new Thread(this::listen, "invalidations");
            subscriber.setDaemon(true);
            subscriber.start();
        }

        private void listen() {
            while (!closed) {
                Object message;
                try {
                    message = invalidations.getUnflushedObject();
                } catch (RuntimeException e) {
                    return;
                }
                if (message instanceof List<?> parts && !parts.isEmpty()) {
                    String kind = text(parts.get(0));
                    if (kind.equals("message") && parts.size() == 3) {
                        if (parts.get(2) instanceof List<?> keys) {
                            keys.forEach(k -> copies.remove(text(k)));
                        } else {
                            copies.clear(); // null: everything (FLUSHALL, or the tracking table full)
                        }
                    } else if (kind.equals("pong")) {
                        synchronized (pongs) {
                            pongs.incrementAndGet();
                            pongs.notifyAll();
                        }
                    }
                }
            }
        }

        /** The counter of the session: from the copy when there is one (after a barrier if asked), else read and tracked. */
        String read(String key, boolean barrier) {
            if (barrier) {
                awaitBarrier();
            }
            String copy = copies.get(key);
            if (copy != null) {
                return copy;
            }
            synchronized (reader) {
                Object value = reader.executeCommand(new redis.clients.jedis.CommandArguments(Protocol.Command.HGET)
                        .add(key).add("a:counter"));
                String counter = text(value);
                copies.put(key, counter);
                return counter;
            }
        }

        /** PING on the invalidation connection; returns at its PONG: every invalidation sent before has arrived. */
        private void awaitBarrier() {
            long mine;
            synchronized (invalidations) {
                mine = pings.incrementAndGet();
                invalidations.sendCommand(Protocol.Command.PING);
                invalidations.send();
            }
            synchronized (pongs) {
                while (pongs.get() < mine) {
                    try {
                        pongs.wait(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
            }
        }

        private static String text(Object o) {
            return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
        }

        @Override
        public void close() {
            closed = true;
            reader.close();
            invalidations.close();
        }
    }

    /** A loopback hop to a thread of A: the client's next request reaching another node. */
    static final class Hop implements AutoCloseable {
        private final ServerSocket server;
        private final Socket client;
        private final Thread serving;

        Hop(java.util.function.Supplier<String> answer) throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            client.setTcpNoDelay(true);
            serving = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.setTcpNoDelay(true);
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    while (in.read() >= 0) {
                        byte[] reply = (answer.get() + "\n").getBytes(StandardCharsets.UTF_8);
                        out.write(reply);
                        out.flush();
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "node-a");
            serving.setDaemon(true);
            serving.start();
        }

        String ask() throws IOException {
            client.getOutputStream().write('?');
            client.getOutputStream().flush();
            StringBuilder line = new StringBuilder();
            InputStream in = client.getInputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            client.close();
            server.close();
        }
    }

    static void log(String line) {
        System.err.println("[tracking] " + line);
    }
}
