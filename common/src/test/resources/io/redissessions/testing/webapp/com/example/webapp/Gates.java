package com.example.webapp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Named meeting points inside one node's webapp, for tests that need requests to be at a known
 * step at the same time: a request arrives at a gate and waits there until the test releases it;
 * the test waits for arrivals (op=gate-arrivals) and releases (op=gate-release) with requests of
 * their own to the same node. Every wait is bounded.
 */
final class Gates {

    static final long TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private static final Map<String, Gate> GATES = new ConcurrentHashMap<>();

    private Gates() {
    }

    static Gate get(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("parameter gate is missing");
        }
        return GATES.computeIfAbsent(name, k -> new Gate());
    }

    static final class Gate {
        private int arrived;
        private boolean released;

        synchronized void arrive() {
            arrived++;
            notifyAll();
        }

        /** Waits until at least {@code count} requests arrived; false after the timeout. */
        synchronized boolean awaitArrivals(int count) throws InterruptedException {
            long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
            while (arrived < count) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }

        synchronized void release() {
            released = true;
            notifyAll();
        }

        /** Waits until the test releases the gate; false after the timeout. */
        synchronized boolean awaitRelease() throws InterruptedException {
            long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
            while (!released) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }
    }
}
