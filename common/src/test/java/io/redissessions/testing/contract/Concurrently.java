package io.redissessions.testing.contract;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Work that several nodes do at the same time, as nodes of a real cluster would. Never on the
 * common pool: it may have fewer free threads than there are tasks that wait for each other (at a
 * gate, a barrier, or for Redis to block), and then the test waits for a task that never starts.
 */
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

    /**
     * Runs {@code work} on a new daemon thread named {@code name}, for work the test waits for
     * while it runs (a request held in Redis, a blocking command).
     */
    public static <T> CompletableFuture<T> onOwnThread(String name, Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return result;
    }
}
