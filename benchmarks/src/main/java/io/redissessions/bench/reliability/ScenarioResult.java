package io.redissessions.bench.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What one scenario measured, and whether it met its target. */
record ScenarioResult(Scenario scenario, List<Answer> answers, List<String> anomalies, long resets, long lostAcked,
                      int sessionsWithLoss, long appliedUnacknowledged, long acknowledgedWrites, long readsBehind,
                      LoadClient.FinalCheck finalCheck, int keysInRedis, int sessions, Fault.Times times,
                      String failure) {

    static ScenarioResult failed(Scenario s, String failure) {
        return new ScenarioResult(s, List.of(), List.of(), 0, 0, 0, 0, 0, 0, null, -1, 0, null, failure);
    }

    static ScenarioResult of(Scenario s, LoadClient load, LoadClient.FinalCheck fc, int keys, Fault.Times times) {
        long resets = 0;
        long lost = 0;
        long applied = 0;
        long acked = 0;
        long behind = 0;
        int withLoss = 0;
        for (TrackedSession t : load.sessions()) {
            resets += t.resets;
            lost += t.lostAcked;
            applied += t.appliedUnacknowledged;
            acked += t.acknowledgedWrites;
            behind += t.readsBehind;
            withLoss += t.lostAcked > 0 ? 1 : 0;
        }
        return new ScenarioResult(s, load.answers(), load.anomalies(), resets, lost + fc.lostAtEnd(), withLoss, applied,
                acked, behind, fc, keys, load.sessions().size(), times, null);
    }

    Map<String, Long> byStatus() {
        Map<String, Long> m = new TreeMap<>();
        for (Answer a : answers) {
            m.merge(Answer.statusName(a.status()), 1L, Long::sum);
        }
        return m;
    }

    /** Seconds from the first failed answer's request to the last failed answer; 0 without failures. */
    double errorWindowSeconds() {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Answer a : answers) {
            if (!a.ok()) {
                first = Math.min(first, a.atMillis());
                last = Math.max(last, a.atMillis() + a.latencyMillis());
            }
        }
        return first == Long.MAX_VALUE ? 0 : (last - first) / 1000.0;
    }

    /** Seconds from the end of the fault to the last failed answer; 0 if none came after it. */
    double recoverySeconds() {
        long last = Long.MIN_VALUE;
        for (Answer a : answers) {
            if (!a.ok()) {
                last = Math.max(last, a.atMillis() + a.latencyMillis());
            }
        }
        return last == Long.MIN_VALUE || times == null ? 0 : Math.max(0, (last - times.healMillis()) / 1000.0);
    }

    /** Statuses and max latency of the answers sent before, during and after the fault, and per node. */
    String breakdown() {
        Map<String, List<Answer>> groups = new java.util.LinkedHashMap<>();
        for (Answer a : answers) {
            String phase = a.atMillis() < times.startMillis() ? "before the fault"
                    : a.atMillis() <= times.healMillis() ? "during" : "after";
            groups.computeIfAbsent(phase, k -> new ArrayList<>()).add(a);
        }
        for (Answer a : answers) {
            groups.computeIfAbsent(a.node(), k -> new ArrayList<>()).add(a);
        }
        StringBuilder b = new StringBuilder();
        groups.forEach((group, list) -> {
            Map<String, Long> st = new TreeMap<>();
            list.forEach(a -> st.merge(Answer.statusName(a.status()), 1L, Long::sum));
            long max = list.stream().mapToLong(Answer::latencyMillis).max().orElse(0);
            b.append(b.length() == 0 ? "" : "; ").append(group).append(": ").append(st).append(", max ")
                    .append(String.format("%.2f s", max / 1000.0));
        });
        return b.toString().replace("=", ": ");
    }

    long maxLatencyMillis() {
        return answers.stream().mapToLong(Answer::latencyMillis).max().orElse(0);
    }

    long slowerThanBound() {
        return answers.stream().filter(a -> a.latencyMillis() > scenario.latencyBoundMillis()).count();
    }

    /** Each criterion of the target that failed, with its figure; empty when all were met. */
    List<String> misses() {
        List<String> m = new ArrayList<>();
        if (failure != null) {
            m.add("did not run to the end: " + failure);
            return m;
        }
        Map<String, Long> status = byStatus();
        status.forEach((k, v) -> {
            if (!k.equals("200") && !k.equals("503")) {
                m.add(v + " answers " + k);
            }
        });
        if (resets > 0) {
            m.add(resets + " new empty sessions for requests that had one");
        }
        if (lostAcked > 0 && !scenario.lossAllowed()) {
            m.add(lostAcked + " acknowledged increments lost");
        }
        if (readsBehind > 0 && !scenario.lossAllowed()) {
            m.add(readsBehind + " reads did not see an increment acknowledged before them");
        }
        if (slowerThanBound() > 0) {
            m.add(slowerThanBound() + " answers slower than " + scenario.latencyBoundMillis() / 1000.0 + " s (max "
                    + maxLatencyMillis() / 1000.0 + " s)");
        }
        if (recoverySeconds() > ReliabilitySuite.RECOVERY_TARGET_SECONDS) {
            m.add(String.format("failures until %.1f s after Redis was back", recoverySeconds()));
        }
        if (finalCheck.missing() > 0 || finalCheck.unanswered() > 0) {
            m.add(finalCheck.missing() + " sessions gone, " + finalCheck.unanswered() + " not readable at the end");
        }
        return m;
    }
}
