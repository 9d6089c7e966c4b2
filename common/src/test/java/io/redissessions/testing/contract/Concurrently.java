package io.redissessions.testing.contract;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Work that several nodes do at the same time, as nodes of a real cluster would. */
public final class Concurrently {

    private Concurrently() {
    }

    /** Runs every task on a thread of its own and returns when all are done (bounded: 60 s). */
    public static void runAll(List<Runnable> tasks, String what) {
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, tasks.size()));
        try {
            CompletableFuture<?>[] running = tasks.stream().map(t -> CompletableFuture.runAsync(t, threads))
                    .toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(running).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(what + " failed: " + e, e);
        } finally {
            threads.shutdownNow();
        }
    }
}
