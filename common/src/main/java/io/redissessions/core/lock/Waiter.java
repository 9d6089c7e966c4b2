package io.redissessions.core.lock;

/** One request waiting for a session's lock, woken by the release's wake-up. Thread-safe. */
final class Waiter {

    private final String tag;
    private boolean woken;

    Waiter(String tag) {
        this.tag = tag;
    }

    String tag() {
        return tag;
    }

    synchronized void wake() {
        woken = true;
        notifyAll();
    }

    /**
     * Waits until woken or {@code millis} have passed.
     *
     * @return whether it was woken
     */
    synchronized boolean await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!woken) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(left / 1_000_000L, (int) (left % 1_000_000L));
        }
        return true;
    }
}
