package io.redissessions.core.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one store, shown by both adapters over JMX. Thread-safe. */
public final class StoreMetrics {

    private final LongAdder loads = new LongAdder();
    private final LongAdder loadMisses = new LongAdder();
    private final LongAdder saves = new LongAdder();
    private final LongAdder skippedWrites = new LongAdder();
    private final LongAdder saveConflicts = new LongAdder();
    private final LongAdder deletes = new LongAdder();
    private final LongAdder expiredClaimed = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder decodeFailures = new LongAdder();
    private final LongAdder encodeFailures = new LongAdder();
    private final LongAdder redisErrors = new LongAdder();
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();

    void load(boolean found, long bytes) {
        loads.increment();
        if (!found) {
            loadMisses.increment();
        }
        bytesRead.add(bytes);
    }

    void save(long bytes) {
        saves.increment();
        bytesWritten.add(bytes);
    }

    void saveConflict() {
        saveConflicts.increment();
    }

    void delete() {
        deletes.increment();
    }

    void claimed(int n) {
        expiredClaimed.add(n);
    }

    void roundTrip(long nanos) {
        roundTrips.increment();
        latencyNanos.add(nanos);
    }

    void redisError() {
        redisErrors.increment();
    }

    /** A save that found nothing to write. */
    public void skippedWrite() {
        skippedWrites.increment();
    }

    /** An attribute that could not be decoded (it was treated as absent). */
    public void decodeFailure() {
        decodeFailures.increment();
    }

    /** An attribute that could not be encoded at save time (it was not written). */
    public void encodeFailure() {
        encodeFailures.increment();
    }

    public long getLoads() { return loads.sum(); }
    public long getLoadMisses() { return loadMisses.sum(); }
    public long getSaves() { return saves.sum(); }
    public long getSkippedWrites() { return skippedWrites.sum(); }
    public long getSaveConflicts() { return saveConflicts.sum(); }
    public long getDeletes() { return deletes.sum(); }
    public long getExpiredClaimed() { return expiredClaimed.sum(); }
    public long getBytesRead() { return bytesRead.sum(); }
    public long getBytesWritten() { return bytesWritten.sum(); }
    public long getDecodeFailures() { return decodeFailures.sum(); }
    public long getEncodeFailures() { return encodeFailures.sum(); }
    public long getRedisErrors() { return redisErrors.sum(); }
    /** Redis round trips made (a script retried after NOSCRIPT counts twice). */
    public long getRoundTrips() { return roundTrips.sum(); }

    /** Mean round-trip latency in microseconds since start. */
    public long getMeanLatencyMicros() {
        long n = roundTrips.sum();
        return n == 0 ? 0 : latencyNanos.sum() / n / 1000;
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("loads", getLoads());
        m.put("loadMisses", getLoadMisses());
        m.put("saves", getSaves());
        m.put("skippedWrites", getSkippedWrites());
        m.put("saveConflicts", getSaveConflicts());
        m.put("deletes", getDeletes());
        m.put("expiredClaimed", getExpiredClaimed());
        m.put("bytesRead", getBytesRead());
        m.put("bytesWritten", getBytesWritten());
        m.put("decodeFailures", getDecodeFailures());
        m.put("encodeFailures", getEncodeFailures());
        m.put("redisErrors", getRedisErrors());
        m.put("roundTrips", getRoundTrips());
        m.put("meanLatencyMicros", getMeanLatencyMicros());
        return m;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
