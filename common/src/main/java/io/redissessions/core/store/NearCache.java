package io.redissessions.core.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The sessions this node served recently, as they were stored ({@code nearCache=on}): their
 * encoded hash, the {@code #v} and {@code #created} they were stored with, and the attribute
 * values of immutable types already decoded. A load sends the cached {@code #v} and
 * {@code #created}; Redis answers "unchanged" when both are still the stored ones (a few bytes),
 * else the whole hash. So a session changed by another node is never served stale, every request
 * still makes its round trip, and an unchanged session costs neither the transfer of its hash
 * nor the decoding of values decoded before.
 *
 * <p>{@code #created} guards against an id used again for a new session after the old one was
 * deleted: both would start at {@code #v} 1.
 *
 * <p>Bounded by {@code nearCacheMaxBytes} of encoded data and {@code nearCacheMaxSessions}: each
 * entry weighs its bytes, and at least {@code maxBytes / maxSessions}, so neither bound is
 * exceeded (Caffeine evicts what was used least recently and least often). Thread-safe.
 */
final class NearCache {

    private final Cache<String, StoredSession> cache;

    NearCache(int maxSessions, int maxBytes) {
        int floor = (int) Math.max(1, (long) maxBytes / Math.max(1, maxSessions));
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String id, StoredSession s) -> (int) Math.min(Integer.MAX_VALUE,
                        Math.max(floor, s.sizeBytes() + id.length())))
                .executor(Runnable::run) // no pool threads of its own inside a servlet container
                .build();
    }

    /** The copy of session {@code id} this node keeps, or null. */
    StoredSession get(String id) {
        return cache.getIfPresent(id);
    }

    /** Keeps {@code session} (as stored under its {@code #v}); replaces an older copy. */
    void put(StoredSession session) {
        cache.put(session.id(), session);
    }

    /** Forgets session {@code id}: the next load reads the whole hash. */
    void invalidate(String id) {
        cache.invalidate(id);
    }

    /** How many sessions are kept now (for tests and JMX). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    void clear() {
        cache.invalidateAll();
    }
}
