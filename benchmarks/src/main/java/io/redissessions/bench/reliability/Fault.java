package io.redissessions.bench.reliability;

/** A fault injected while the load runs; returns when it is over (Redis is back, or the action ended). */
@FunctionalInterface
interface Fault {

    /** When the fault started and ended (ms on the load client's clock) and what happened. */
    record Times(long startMillis, long healMillis, String note) {
    }

    Times inject(Topology topology, LoadClient load) throws Exception;
}
