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
        defaults.put("out", "target/bench/load.md");
        defaults.put("jfr", "");
        defaults.put("command", "benchmarks/run.sh load");
        Args args = new Args(argv, defaults);

        Processes.stopDescendantsOnExit();
        Distributions d = Distributions.fromSystemProperties();
        Files.createDirectories(d.work());
        Wrk wrk = new Wrk(d.work(), args.integer("threads"), args.integer("connections"));
        Path jfrDir = args.get("jfr").isEmpty() ? null : Path.of(args.get("jfr"));
        List<String> jvm = List.of("-Xms" + args.get("heap"), "-Xmx" + args.get("heap"));
        LoadReport report = new LoadReport(Machine.describe(), Machine.now(), args);

        try (RedisServer redis = RedisServer.builder().start()) {
            for (String container : args.list("containers")) {
                for (String sessions : args.list("stores")) {
                    if (sessions.equals("redisson") && !container.equals("tomcat")) {
                        continue;
                    }
                    log(container + " / " + sessions);
                    try {
                        runOne(container, sessions, d, redis, wrk, jvm, args, jfrDir, report);
                    } catch (RuntimeException e) {
                        log("FAILED " + container + "/" + sessions + ": " + e.getMessage());
                        report.failed(container, sessions, e);
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

    private static void runOne(String container, String sessions, Distributions d, RedisServer redis, Wrk wrk,
                               List<String> jvm, Args args, Path jfrDir, LoadReport report) throws IOException {
        if (!sessions.equals("redis-wait")) {
            measure(container, sessions, d, redis, wrk, jvm, args, jfrDir, report);
            return;
        }
        // saves wait for a replica: one on loopback, attached for this setup only
        try (RedisServer replica = RedisServer.builder().set("replicaof", "127.0.0.1 " + redis.port()).start()) {
            Poll.until(Duration.ofSeconds(60), "the replica is linked", () ->
                    replica.command("INFO", "replication").contains("master_link_status:up"));
            measure(container, sessions, d, redis, wrk, jvm, args, jfrDir, report);
        }
    }

    private static void measure(String container, String sessions, Distributions d, RedisServer redis, Wrk wrk,
                                List<String> jvm, Args args, Path jfrDir, LoadReport report) throws IOException {
        redis.command("FLUSHALL");
        long memoryBefore = RedisInfo.read(redis).number("used_memory");
        try (Node node = Setups.install(container, sessions, d, redis.uri(), redis.port(), jvm).start(Duration.ofSeconds(120))) {
            int n = args.integer("sessions");
            List<String> cookies = SessionCookies.create(node.baseUrl() + "/rw", n);
            long memoryAfter = RedisInfo.read(redis).number("used_memory");
            Path cookieFile = Wrk.writeCookies(d.work().resolve("cookies-" + node.name() + ".txt"), cookies);
            // JIT warm-up on every page before any is measured, so the first page measured is not the coldest
            for (String page : args.list("pages")) {
                wrk.run(node.baseUrl() + "/" + page, cookieFile, args.integer("warmup"));
            }
            for (String page : args.list("pages")) {
                String url = node.baseUrl() + "/" + page;
                Path jfr = jfrDir == null ? null : jfrDir.resolve(node.name() + "-" + page + ".jfr");
                if (jfr != null) {
                    Files.createDirectories(jfrDir);
                    jcmd(node.pid(), "JFR.start", "name=bench", "settings=" + denseProfile(d.work()), "filename=" + jfr.toAbsolutePath());
                }
                RedisInfo before = RedisInfo.read(redis);
                Processes.Cpu cpuBefore = Processes.cpu(node.pid());
                Wrk.Result result = wrk.run(url, cookieFile, args.integer("seconds"));
                Processes.Cpu cpuAfter = Processes.cpu(node.pid());
                RedisInfo after = RedisInfo.read(redis);
                if (jfr != null) {
                    jcmd(node.pid(), "JFR.stop", "name=bench");
                    log("JFR recording: " + jfr);
                }
                Measurement m = new Measurement(container, sessions, page, result, after.minus(before), cpuAfter.minus(cpuBefore));
                log(String.format("  /%s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, non-2xx %d, %.2f commands and %.2f round trips per request, %.0f us CPU per request",
                        page, result.perSecond(), result.p50Micros() / 1000, result.p99Micros() / 1000, result.non2xx(),
                        m.commandsPerRequest(), m.roundTripsPerRequest(), m.perRequest(m.containerCpu().totalNanos()) / 1000));
                report.add(m);
            }
            String pattern = Setups.sessionKeyPattern(sessions);
            if (pattern != null) {
                report.memory(container, sessions, SessionMemory.measure(redis, pattern),
                        (memoryAfter - memoryBefore) / (double) n);
            }
        }
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
