package io.redissessions.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition with a bounded deadline instead of sleeping a fixed time. */
public final class Poll {

    private Poll() {
    }

    /**
     * Returns as soon as the condition holds; a condition that throws counts as not yet. Fails
     * with the description (and the last exception) when the deadline passes.
     */
    public static void until(Duration timeout, String description, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        long pause = 10;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting until " + description
                        + (last == null ? "" : "; last error: " + last), last);
            }
            RedisServer.sleep(pause);
            pause = Math.min(pause * 2, 200);
        }
    }
}
