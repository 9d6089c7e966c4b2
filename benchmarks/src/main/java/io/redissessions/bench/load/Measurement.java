package io.redissessions.bench.load;

import io.redissessions.bench.node.Processes;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one measured run of one page on one configuration gave. {@code sessions} names the store
 * and its settings ({@code redis nearCache=on}); {@code balance} is {@code sticky} (one node) or
 * {@code round-robin} (two nodes taking turns at every session). {@code load} is the machine's
 * one-minute load average right before and right after the measured run ({@code 1.20 → 3.40}).
 */
public record Measurement(String container, String sessions, String balance, String page, Wrk.Result wrk,
                          RedisInfo.Delta redis, Processes.Cpu containerCpu, String load) {

    public double perRequest(double total) {
        return wrk.requests() == 0 ? 0 : total / wrk.requests();
    }

    public double commandsPerRequest() {
        return perRequest(redis.totalCommands());
    }

    public double roundTripsPerRequest() {
        return perRequest(redis.reads());
    }

    /** {@code hgetall 1.00, evalsha 1.00, ...}: the commands Redis ran per request, most frequent first. */
    public String commandMix() {
        Map<String, Long> sorted = new TreeMap<>(redis.commands());
        return sorted.entrySet().stream().filter(e -> perRequest(e.getValue()) >= 0.005)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .map(e -> e.getKey() + " " + String.format("%.2f", perRequest(e.getValue())))
                .collect(Collectors.joining(", "));
    }
}
