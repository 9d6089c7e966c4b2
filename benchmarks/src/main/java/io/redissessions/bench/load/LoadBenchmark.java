package io.redissessions.bench.load;

import io.redissessions.bench.node.Distributions;
import io.redissessions.bench.node.Node;
import io.redissessions.bench.node.Processes;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole-stack load benchmark: for each container (Tomcat 11, jetty-home 12.1) and each way of
 * keeping sessions (in memory, redis-sessions, Redisson), one node on loopback with one Redis,
 * sessions spread over {@code --sessions} cookies, {@code wrk} with {@code --connections} on
 * {@code /ro} and {@code /rw}; Redis's INFO and the container's /proc CPU time before and after
 * each measured run. Writes a markdown report ({@link LoadReport}). Run by
 * {@code benchmarks/run.sh load}.
 */
public final class LoadBenchmark {

    private LoadBenchmark() {
    }

    public static void main(String[] argv) throws IOException {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("containers", "tomcat,jetty");
        defaults.put("stores", "memory,redis,redisson");
        defaults.put("pages", "ro,rw");
        defaults.put("seconds", "15");
        defaults.put("warmup", "10");
        defaults.put("connections", "32");
        defaults.put("threads", "2");
        defaults.put("sessions", "200");
        defaults.put("heap", "512m");
        defaults.put("session", "1k");
        defaults.put("variants", "-");
        defaults.put("balance", "sticky");
        defaults.put("out", "target/bench/load.md");
        defaults.put("jfr", "");
        defaults.put("command", "benchmarks/run.sh load");
        Args args = new Args(argv, defaults);

        Processes.stopDescendantsOnExit();
        Distributions d = Distributions.fromSystemProperties();
        Files.createDirectories(d.work());
        Wrk wrk = new Wrk(d.work(), args.integer("threads"), args.integer("connections"));
        Path jfrDir = args.get("jfr").isEmpty() ? null : Path.of(args.get("jfr"));
        if (!List.of("1k", "50k").contains(args.get("session"))) {
            throw new IllegalArgumentException("--session expects 1k or 50k, not " + args.get("session"));
        }
        List<String> jvm = List.of("-Xms" + args.get("heap"), "-Xmx" + args.get("heap"), "-Dbench.session=" + args.get("session"));
        LoadReport report = new LoadReport(Machine.describe(), Machine.now(), args);

        try (RedisServer redis = RedisServer.builder().start()) {
            for (String container : args.list("containers")) {
                for (String sessions : args.list("stores")) {
                    if (sessions.equals("redisson") && !container.equals("tomcat")) {
                        continue;
                    }
                    for (Map<String, String> variant : sessions.equals("redis") ? variants(args.get("variants")) : List.of(Map.<String, String>of())) {
                        String label = sessions + (variant.isEmpty() ? "" : " " + text(variant));
                        for (String balance : args.list("balance")) {
                            if (!List.of("sticky", "round-robin").contains(balance)) {
                                throw new IllegalArgumentException("--balance expects sticky and/or round-robin, not " + balance);
                            }
                            if (balance.equals("round-robin") && !sessions.equals("redis")) {
                                continue; // the in-memory manager shares no session between nodes; Redisson is measured sticky
                            }
                            log(container + " / " + label + " / " + balance);
                            try {
                                runOne(container, sessions, variant, label, balance, d, redis, wrk, jvm, args, jfrDir, report);
                            } catch (RuntimeException e) {
                                log("FAILED " + container + "/" + label + "/" + balance + ": " + e.getMessage());
                                report.failed(container, label + " (" + balance + ")", e);
                            }
                        }
                    }
                }
            }
        }
        Path out = Path.of(args.get("out"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.markdown());
        log("report: " + out.toAbsolutePath());
        System.out.println(report.markdown());
    }

    /** {@code -|lockingMode=all|nearCache=on,nearCacheMaxSessions=500}: '-' is the defaults. */
    static List<Map<String, String>> variants(String text) {
        List<Map<String, String>> all = new ArrayList<>();
        for (String variant : text.split("\\|")) {
            Map<String, String> settings = new LinkedHashMap<>();
            for (String pair : variant.trim().split(",")) {
                if (pair.isBlank() || pair.trim().equals("-")) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--variants: expected name=value, not '" + pair + "'");
                }
                settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
            all.add(settings);
        }
        return all;
    }

    private static String text(Map<String, String> settings) {
        StringBuilder b = new StringBuilder();
        settings.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return b.toString();
    }

    /**
     * One configuration: sticky is one node; round-robin is two nodes of the configuration, each
     * under half of the connections over the same sessions, so every session's requests alternate
     * between the nodes as behind a round-robin balancer.
     */
    private static void runOne(String container, String sessions, Map<String, String> settings, String label,
                               String balance, Distributions d, RedisServer redis, Wrk wrk, List<String> jvm, Args args,
                               Path jfrDir, LoadReport report) throws IOException {
        if (!sessions.equals("redis-wait")) {
            measure(container, sessions, settings, label, balance, d, redis, wrk, jvm, args, jfrDir, report);
            return;
        }
        // saves wait for a replica: one on loopback, attached for this setup only
        try (RedisServer replica = RedisServer.builder().set("replicaof", "127.0.0.1 " + redis.port()).start()) {
            Poll.until(Duration.ofSeconds(60), "the replica is linked", () ->
                    replica.command("INFO", "replication").contains("master_link_status:up"));
            measure(container, sessions, settings, label, balance, d, redis, wrk, jvm, args, jfrDir, report);
        }
    }

    private static void measure(String container, String sessions, Map<String, String> settings, String label,
                                String balance, Distributions d, RedisServer redis, Wrk wrk, List<String> jvm, Args args,
                                Path jfrDir, LoadReport report) throws IOException {
        redis.command("FLUSHALL");
        long memoryBefore = RedisInfo.read(redis).number("used_memory");
        int nodeCount = balance.equals("round-robin") ? 2 : 1;
        Wrk each = nodeCount == 1 ? wrk : wrk.with(Math.max(1, wrk.threads() / 2), Math.max(1, wrk.connections() / 2));
        String slug = container + "-" + sessions + "-" + Integer.toHexString(label.hashCode()) + "-" + balance;
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < nodeCount; i++) {
                nodes.add(Setups.install(container, sessions, settings, slug + "-" + i, d, redis.uri(), redis.port(), jvm)
                        .start(Duration.ofSeconds(120)));
            }
            int n = args.integer("sessions");
            List<String> cookies = SessionCookies.create(nodes.get(0).baseUrl() + "/rw", n);
            long memoryAfter = RedisInfo.read(redis).number("used_memory");
            Path cookieFile = Wrk.writeCookies(d.work().resolve("cookies-" + slug + ".txt"), cookies);
            // JIT warm-up on every page before any is measured, so the first page measured is not the coldest
            for (String page : args.list("pages")) {
                runOn(nodes, each, page, cookieFile, args.integer("warmup"));
            }
            for (String page : args.list("pages")) {
                Path jfr = jfrDir == null ? null : jfrDir.resolve(container + "-" + sessions + "-" + page + ".jfr");
                if (jfr != null) {
                    Files.createDirectories(jfrDir);
                    jcmd(nodes.get(0).pid(), "JFR.start", "name=bench", "settings=" + denseProfile(d.work()), "filename=" + jfr.toAbsolutePath());
                }
                String loadBefore = Machine.loadAverage().split(" ")[0];
                RedisInfo before = RedisInfo.read(redis);
                Processes.Cpu cpuBefore = cpu(nodes);
                Wrk.Result result = runOn(nodes, each, page, cookieFile, args.integer("seconds"));
                Processes.Cpu cpuAfter = cpu(nodes);
                RedisInfo after = RedisInfo.read(redis);
                if (jfr != null) {
                    jcmd(nodes.get(0).pid(), "JFR.stop", "name=bench");
                    log("JFR recording: " + jfr);
                }
                Measurement m = new Measurement(container, label, balance, page, result, after.minus(before), cpuAfter.minus(cpuBefore),
                        loadBefore + " → " + Machine.loadAverage().split(" ")[0]);
                log(String.format("  /%s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, non-2xx %d, %.2f commands and %.2f round trips per request, %.0f bytes from Redis per request, %.0f us CPU per request",
                        page, result.perSecond(), result.p50Micros() / 1000, result.p99Micros() / 1000, result.non2xx(),
                        m.commandsPerRequest(), m.roundTripsPerRequest(), m.perRequest(m.redis().outputBytes()),
                        m.perRequest(m.containerCpu().totalNanos()) / 1000));
                report.add(m);
            }
            String pattern = Setups.sessionKeyPattern(sessions);
            if (pattern != null && balance.equals("sticky")) {
                report.memory(container, label, SessionMemory.measure(redis, pattern),
                        (memoryAfter - memoryBefore) / (double) n);
            }
        } finally {
            for (Node node : nodes) {
                node.close();
            }
        }
    }

    /** Runs wrk against every node at the same time (each with {@code wrk}'s connections) and adds up the results. */
    private static Wrk.Result runOn(List<Node> nodes, Wrk wrk, String page, Path cookieFile, int seconds) {
        List<java.util.concurrent.CompletableFuture<Wrk.Result>> runs = new ArrayList<>();
        for (Node node : nodes) {
            runs.add(java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> wrk.run(node.baseUrl() + "/" + page, cookieFile, seconds)));
        }
        Wrk.Result total = null;
        for (java.util.concurrent.CompletableFuture<Wrk.Result> run : runs) {
            Wrk.Result r = run.join();
            total = total == null ? r : total.and(r);
        }
        return total;
    }

    private static Processes.Cpu cpu(List<Node> nodes) {
        Processes.Cpu total = new Processes.Cpu(0, 0);
        for (Node node : nodes) {
            total = total.plus(Processes.cpu(node.pid()));
        }
        return total;
    }

    /**
     * The JDK's profile.jfc with Java code sampled every millisecond (instead of 10) and native
     * code every 5 ms (instead of 20): a 15 s run on two busy cores gives enough samples.
     */
    private static Path denseProfile(Path work) throws IOException {
        String jfc = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
        String dense = jfc.replace("<setting name=\"period\" control=\"method-sampling-java-interval\">10 ms</setting>",
                        "<setting name=\"period\" control=\"method-sampling-java-interval\">1 ms</setting>")
                .replace("<setting name=\"period\" control=\"method-sampling-native-interval\">20 ms</setting>",
                        "<setting name=\"period\" control=\"method-sampling-native-interval\">5 ms</setting>");
        if (dense.equals(jfc)) {
            throw new IllegalStateException("profile.jfc of this JDK has no method-sampling periods to change");
        }
        Path file = work.resolve("bench-profile.jfc");
        Files.writeString(file, dense);
        return file.toAbsolutePath();
    }

    private static void jcmd(long pid, String... command) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(pid));
        cmd.addAll(List.of(command));
        Processes.run(cmd.toArray(new String[0]));
    }

    static void log(String line) {
        System.err.println("[load] " + line);
    }
}
