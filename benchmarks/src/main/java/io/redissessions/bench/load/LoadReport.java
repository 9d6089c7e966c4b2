package io.redissessions.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The markdown report of a load benchmark run: figures, bytes per session, targets, failures. */
public final class LoadReport {

    private final String machine;
    private final String date;
    private final Args args;
    private final List<Measurement> rows = new ArrayList<>();
    private final Map<String, String> memory = new LinkedHashMap<>();
    private final Map<String, Double> memoryUsage = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    LoadReport(String machine, String date, Args args) {
        this.machine = machine;
        this.date = date;
        this.args = args;
    }

    void add(Measurement m) {
        rows.add(m);
    }

    void memory(String container, String sessions, SessionMemory.Usage usage, double usedMemoryPerSession) {
        memoryUsage.put(container + "/" + sessions, usage.meanBytes());
        memory.put(container + "/" + sessions, String.format("| %s | %s | %,.0f | %,.0f | %d |", container, sessions,
                usage.meanBytes(), usedMemoryPerSession, usage.keys()));
    }

    void failed(String container, String sessions, Exception e) {
        String message = String.valueOf(e.getMessage()).replace('\n', ' ');
        failures.add("- " + container + " / " + sessions + ": " + message.substring(0, Math.min(600, message.length())));
    }

    private Optional<Measurement> find(String container, String sessions, String page) {
        return rows.stream().filter(m -> m.container().equals(container) && m.sessions().equals(sessions)
                && m.page().equals(page) && m.balance().equals("sticky")).findFirst();
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("Run ").append(date).append(" on ").append(machine).append(".\n\n");
        b.append("Command: `").append(args.get("command")).append("`: ").append(args.get("seconds"))
                .append(" s measured per page after ").append(args.get("warmup")).append(" s of warm-up on each page, wrk -t")
                .append(args.get("threads")).append(" -c").append(args.get("connections")).append(" over ")
                .append(args.get("sessions")).append(" sessions, container heap ").append(args.get("heap"))
                .append(", session ").append(args.get("session").equals("50k")
                        ? "of 50 KB (20 attributes of 2,560 characters, a marker and a counter)"
                        : "of 1 KB (a 1 KB string, a marker and a counter)")
                .append("; round-robin: two nodes, each under half of the connections, over the same sessions.\n\n");
        b.append("| container | sessions | balance | page | requests/s | × in memory | p50 ms | p99 ms | non-2xx, errors | Redis commands/request | round trips/request | bytes to Redis/request | bytes from Redis/request | container CPU µs/request (user + system) | Redis CPU µs/request | load average |\n");
        b.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Measurement m : rows) {
            Wrk.Result w = m.wrk();
            String ratio = find(m.container(), "memory", m.page())
                    .map(mem -> String.format("%.2f", w.perSecond() / mem.wrk().perSecond())).orElse("–");
            boolean usesRedis = !m.sessions().equals("memory");
            b.append(String.format("| %s | %s | %s | /%s | %,.0f | %s | %.2f | %.2f | %d, %d | %s | %s | %s | %s | %.0f (%.0f + %.0f) | %s | %s |\n",
                    m.container(), m.sessions(), m.balance(), m.page(), w.perSecond(), ratio, w.p50Micros() / 1000,
                    w.p99Micros() / 1000, w.non2xx(), w.socketErrors() + w.timeouts(),
                    usesRedis ? String.format("%.2f", m.commandsPerRequest()) : "–",
                    usesRedis ? String.format("%.2f", m.roundTripsPerRequest()) : "–",
                    usesRedis ? String.format("%,.0f", m.perRequest(m.redis().inputBytes())) : "–",
                    usesRedis ? String.format("%,.0f", m.perRequest(m.redis().outputBytes())) : "–",
                    m.perRequest(m.containerCpu().totalNanos()) / 1000, m.perRequest(m.containerCpu().userNanos()) / 1000,
                    m.perRequest(m.containerCpu().systemNanos()) / 1000,
                    usesRedis ? String.format("%.0f", m.perRequest(m.redis().cpuNanos()) / 1000) : "–", m.load()));
        }
        b.append("\nRedis commands per request (INFO commandstats; commands run inside a script count too):\n\n");
        b.append("| container | sessions | balance | page | commands | connections opened during the run |\n|---|---|---|---|---|---:|\n");
        for (Measurement m : rows) {
            if (!m.sessions().equals("memory")) {
                b.append("| ").append(m.container()).append(" | ").append(m.sessions()).append(" | ").append(m.balance())
                        .append(" | /").append(m.page())
                        .append(" | ").append(m.commandMix()).append(" | ").append(m.redis().connections()).append(" |\n");
            }
        }
        if (!memory.isEmpty()) {
            b.append("\nBytes per session in Redis (a session with a counter, a 36-character marker and ")
                    .append(args.get("session").equals("50k") ? "20 strings of 2,560 characters" : "a 1 KB string").append("):\n\n");
            b.append("| container | sessions | MEMORY USAGE of one session key (mean) | used_memory growth per session created | session keys after the run |\n");
            b.append("|---|---|---:|---:|---:|\n");
            memory.values().forEach(line -> b.append(line).append('\n'));
        }
        b.append(targets());
        if (!failures.isEmpty()) {
            b.append("\nConfigurations that did not run:\n\n");
            failures.forEach(f -> b.append(f).append('\n'));
        }
        return b.toString();
    }

    /** The targets of issue #12, as ratios within this run. */
    private String targets() {
        StringBuilder b = new StringBuilder("\nTargets (issue #12, ratios within this run):\n\n| target | figure | met |\n|---|---|---|\n");
        boolean any = false;
        for (String container : List.of("tomcat", "jetty")) {
            for (String[] t : List.of(new String[]{"ro", "0.40"}, new String[]{"rw", "0.25"})) {
                Optional<Measurement> redis = find(container, "redis", t[0]);
                Optional<Measurement> mem = find(container, "memory", t[0]);
                if (redis.isPresent() && mem.isPresent()) {
                    double ratio = redis.get().wrk().perSecond() / mem.get().wrk().perSecond();
                    b.append(String.format("| %s /%s ≥ %s× in memory | %.2f× | %s |\n", container, t[0], t[1], ratio,
                            ratio >= Double.parseDouble(t[1]) ? "yes" : "no"));
                    any = true;
                }
            }
        }
        Double redisson = memoryUsage.get("tomcat/redisson");
        for (String container : List.of("tomcat", "jetty")) {
            Double ours = memoryUsage.get(container + "/redis");
            if (ours != null && redisson != null) {
                b.append(String.format("| %s bytes per session ≤ Redisson's | %,.0f vs %,.0f | %s |\n", container, ours, redisson,
                        ours <= redisson ? "yes" : "no"));
                any = true;
            }
        }
        return any ? b.toString() : "";
    }
}
