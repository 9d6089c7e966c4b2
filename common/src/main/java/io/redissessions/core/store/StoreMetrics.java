package io.redissessions.core.store;

import io.redissessions.core.SessionStoreException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one store, shown by both adapters over JMX under the same names. Thread-safe.
 *
 * <ul>
 *   <li>{@code decodeFailures}: attribute values that could not be decoded (treated as absent);
 *       {@code unreadableSessions}: sessions whose stored data was proven bad (deleted).</li>
 *   <li>{@code redisErrors}: failed Redis calls of every kind; {@code poolExhaustions}: of those,
 *       calls that found no free pooled connection in time.</li>
 *   <li>{@code expiryPasses}: completed passes over the expiry index (a test can wait for one).</li>
 *   <li>{@code lateSaves}: saves that Redis refused because they reached it after this node had
 *       stopped waiting for their reply (not applied), as far as this node saw the refusal.</li>
 *   <li>{@code unreplicatedSaves}: saves applied on the master that fewer than {@code saveReplicas}
 *       replicas acknowledged in time (answered with the failure).</li>
 *   <li>{@code nearCacheHits}: loads that Redis answered "unchanged" (nearCache=on).</li>
 *   <li>{@code lockWaits}: tries to take a session's lock that found it held (lockingMode);
 *       {@code lockTimeouts}: requests answered 503 because the lock stayed held for
 *       {@code lockWaitMillis}; {@code locksLost}: locks whose lease ran out while their request
 *       held them; {@code deferredLockReleases}: locks of requests that wrote nothing, released
 *       by the node's release thread after the request (a round trip the request did not wait for).</li>
 * </ul>
 */
public final class StoreMetrics {

    /** The name of every counter, as {@link #snapshot()} and both JMX views show it. */
    public static final java.util.Set<String> NAMES = java.util.Collections.unmodifiableSet(
            new StoreMetrics().snapshot().keySet());

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
    private final LongAdder poolExhaustions = new LongAdder();
    private final LongAdder unreadableSessions = new LongAdder();
    private final LongAdder saveFailures = new LongAdder();
    private final LongAdder expiryPasses = new LongAdder();
    private final LongAdder lateSaves = new LongAdder();
    private final LongAdder unreplicatedSaves = new LongAdder();
    private final LongAdder nearCacheHits = new LongAdder();
    private final LongAdder lockWaits = new LongAdder();
    private final LongAdder lockTimeouts = new LongAdder();
    private final LongAdder locksLost = new LongAdder();
    private final LongAdder deferredLockReleases = new LongAdder();
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

    void lateSave() {
        lateSaves.increment();
    }

    void unreplicatedSave() {
        unreplicatedSaves.increment();
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

    void nearCacheHit() {
        nearCacheHits.increment();
    }

    void lockWait() {
        lockWaits.increment();
    }

    void lockLost() {
        locksLost.increment();
    }

    /** A request was answered with the failure answer: its session's lock stayed held for lockWaitMillis. */
    public void lockTimeout() {
        lockTimeouts.increment();
    }

    /** Locks released by the node's release thread after their request, which wrote nothing. */
    public void deferredLockReleases(int n) {
        deferredLockReleases.add(n);
    }

    void roundTrip(long nanos) {
        roundTrips.increment();
        latencyNanos.add(nanos);
    }

    void redisError(SessionStoreException.Kind kind) {
        redisErrors.increment();
        if (kind == SessionStoreException.Kind.OVERLOADED) {
            poolExhaustions.increment();
        }
    }

    /** A session whose stored data was proven bad; it was deleted. */
    public void unreadableSession() {
        unreadableSessions.increment();
    }

    /** A save that Redis refused for its data (not an outage): the request's changes are lost. */
    public void saveFailure() {
        saveFailures.increment();
    }

    /** A pass over the expiry index completed. */
    public void expiryPass() {
        expiryPasses.increment();
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
    public long getPoolExhaustions() { return poolExhaustions.sum(); }
    public long getUnreadableSessions() { return unreadableSessions.sum(); }
    public long getSaveFailures() { return saveFailures.sum(); }
    public long getExpiryPasses() { return expiryPasses.sum(); }
    /** Saves Redis refused because they came after this node had stopped waiting for them. */
    public long getLateSaves() { return lateSaves.sum(); }
    /** Saves the master applied that fewer than saveReplicas replicas acknowledged in time. */
    public long getUnreplicatedSaves() { return unreplicatedSaves.sum(); }
    public long getNearCacheHits() { return nearCacheHits.sum(); }
    public long getLockWaits() { return lockWaits.sum(); }
    public long getLockTimeouts() { return lockTimeouts.sum(); }
    public long getLocksLost() { return locksLost.sum(); }
    public long getDeferredLockReleases() { return deferredLockReleases.sum(); }
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
        m.put("poolExhaustions", getPoolExhaustions());
        m.put("unreadableSessions", getUnreadableSessions());
        m.put("saveFailures", getSaveFailures());
        m.put("expiryPasses", getExpiryPasses());
        m.put("lateSaves", getLateSaves());
        m.put("unreplicatedSaves", getUnreplicatedSaves());
        m.put("nearCacheHits", getNearCacheHits());
        m.put("lockWaits", getLockWaits());
        m.put("lockTimeouts", getLockTimeouts());
        m.put("locksLost", getLocksLost());
        m.put("deferredLockReleases", getDeferredLockReleases());
        m.put("roundTrips", getRoundTrips());
        m.put("meanLatencyMicros", getMeanLatencyMicros());
        return m;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
