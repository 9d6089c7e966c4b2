package io.redissessions.bench.reliability;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The markdown of docs/reliability.md's tables. */
final class ReliabilityReport {

    private ReliabilityReport() {
    }

    static String markdown(String header, List<ScenarioResult> rows, List<SeedPartition.Result> partitions) {
        StringBuilder b = new StringBuilder(header).append('\n');
        if (!rows.isEmpty()) {
            b.append("| fault | error window (s) | answers by status | acknowledged increments lost | new empty sessions | max latency (s) / bound | recovery (s) | sessions at the end | target met | why |\n");
            b.append("|---|---:|---|---:|---:|---:|---:|---|---|---|\n");
            for (ScenarioResult r : rows) {
                List<String> misses = r.misses();
                if (r.failure() != null) {
                    b.append("| ").append(r.scenario().title()).append(" | | | | | | | | no | ").append(cell(misses.get(0))).append(" |\n");
                    continue;
                }
                String lost = r.lostAcked() + (r.lostAcked() > 0 ? " (" + r.sessionsWithLoss() + " sessions)" : "")
                        + (r.scenario().lossAllowed() && r.lostAcked() > 0 ? ", lost by Redis's asynchronous replication" : "");
                String why = misses.isEmpty() ? "only 200 and 503, no reset, nothing lost"
                        + (r.scenario().lossAllowed() && r.lostAcked() > 0 ? " but what the failover dropped" : "")
                        + ", within the bound, back in time" : String.join("; ", misses);
                b.append(String.format("| %s | %.1f | %s | %s | %d | %.2f / %.0f | %.1f | %d of %d there (%d keys in Redis) | %s | %s |\n",
                        r.scenario().title(), r.errorWindowSeconds(), statuses(r.byStatus()), lost, r.resets(),
                        r.maxLatencyMillis() / 1000.0, r.scenario().latencyBoundMillis() / 1000.0, r.recoverySeconds(),
                        r.finalCheck().present(), r.sessions(), r.keysInRedis(), misses.isEmpty() ? "yes" : "no", cell(why)));
            }
        }
        if (!partitions.isEmpty()) {
            b.append("\nPartition of seeds: ").append(ReliabilitySuite.PARTITION_REQUESTS)
                    .append(" requests that need their session, sent at once to one node of each container while every seed accepts connections and never answers:\n\n");
            b.append("| fault | node | first answer (s) | median (s) | last answer (s) | no answer after ")
                    .append(ReliabilitySuite.PARTITION_WAIT_SECONDS).append(" s | answers by status | served again after SIGCONT (s) | target met | why |\n");
            b.append("|---|---|---:|---:|---:|---:|---|---:|---|---|\n");
            for (SeedPartition.Result p : partitions) {
                List<String> misses = p.misses();
                if (p.failure() != null) {
                    b.append("| ").append(p.title()).append(" | | | | | | | | no | ").append(cell(misses.get(0))).append(" |\n");
                    continue;
                }
                for (SeedPartition.NodeBurst n : p.nodes()) {
                    List<String> own = misses.stream().filter(m -> m.startsWith(n.node() + ":")).toList();
                    b.append(String.format("| %s | %s | %s | %s | %s | %d | %s | %s | %s | %s |\n", p.title(), n.node(),
                            seconds(n.first()), seconds(n.median()), seconds(n.last()), n.unanswered(),
                            statuses(n.byStatus()), seconds(n.recoverySeconds()), own.isEmpty() ? "yes" : "no",
                            cell(own.isEmpty() ? "every request answered within the bound" : String.join("; ", own))));
                }
            }
        }
        b.append("\nWhat happened in each run:\n\n");
        for (ScenarioResult r : rows) {
            b.append("- **").append(r.scenario().title()).append("**: ");
            if (r.failure() != null) {
                b.append(r.failure()).append('\n');
                continue;
            }
            b.append(r.times().note()).append(String.format(" (fault at %.1f s, over at %.1f s of the load). %d answers, %d acknowledged increments, %d increments applied although their request failed, %d reads that missed an acknowledged increment. Answers %s.",
                    r.times().startMillis() / 1000.0, r.times().healMillis() / 1000.0, r.answers().size(), r.acknowledgedWrites(),
                    r.appliedUnacknowledged(), r.readsBehind(), r.breakdown()));
            List<String> notes = new java.util.ArrayList<>(r.anomalies().stream().limit(6).toList());
            notes.addAll(r.finalCheck().notes().stream().limit(4).toList());
            if (!notes.isEmpty()) {
                b.append(" First anomalies:\n");
                notes.forEach(n -> b.append("  - ").append(n.replace("|", "\\|")).append('\n'));
            } else {
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static String statuses(Map<String, Long> byStatus) {
        return byStatus.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "–" : String.format("%.2f", s);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
