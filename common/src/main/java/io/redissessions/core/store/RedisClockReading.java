package io.redissessions.core.store;

/**
 * Redis's clock as one reply showed it: the {@code TIME} a script returned, and the moment this
 * node had read that reply ({@link System#nanoTime()}). Used to turn a moment on this node's
 * monotonic clock into Redis's clock without any wall clock of this node:
 * {@code redisMillis + (nanos - receivedNanos)}. The reply was read after Redis took its time, so
 * the result is early by the time the reply took to come back (at most that call's round trip),
 * never late, as long as Redis's clock does not step backwards meanwhile.
 *
 * @param redisMillis   Redis's TIME, epoch milliseconds
 * @param receivedNanos this node's {@link System#nanoTime()} right after the reply was read
 */
record RedisClockReading(long redisMillis, long receivedNanos) {

    /** The moment {@code nanos} (this node's {@link System#nanoTime()}) on Redis's clock, epoch ms. */
    long redisMillisAt(long nanos) {
        return redisMillis + Math.floorDiv(nanos - receivedNanos, 1_000_000L);
    }
}
