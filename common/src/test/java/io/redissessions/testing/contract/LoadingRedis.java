package io.redissessions.testing.contract;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;

import java.time.Duration;

/**
 * A Redis whose restart has a loading phase of a few seconds, as a large data set has in
 * production: it holds 15,000 filler keys ({@code DEBUG POPULATE}) and loads each one
 * {@code key-load-delay} = 100 microseconds slowly from its RDB file; with
 * {@code loading-process-events-interval-bytes} = 1024 it keeps answering while it loads, every
 * command with {@code -LOADING}. Works with Redis 7.0 (these directives are hidden but accepted in
 * redis.conf). About 3 s of loading; longer, not shorter, on a loaded machine.
 */
public final class LoadingRedis implements AutoCloseable {

    private static final int FILLER_KEYS = 15_000;

    private final RedisServer server;

    private LoadingRedis(RedisServer server) {
        this.server = server;
    }

    public static LoadingRedis start() {
        RedisServer server = RedisServer.builder()
                .set("enable-debug-command", "local")
                .set("key-load-delay", "100")
                .set("loading-process-events-interval-bytes", "1024")
                .start();
        String populated = server.command("DEBUG", "POPULATE", Integer.toString(FILLER_KEYS), "filler", "10");
        if (!populated.startsWith("+OK")) {
            server.close();
            throw new IllegalStateException("DEBUG POPULATE failed: " + populated);
        }
        return new LoadingRedis(server);
    }

    public RedisServer server() {
        return server;
    }

    /**
     * Writes the data set to disk (SAVE), kills the process as a crash would and starts it again;
     * returns once it answers {@code -LOADING}.
     */
    public void restartIntoLoading() {
        String saved = server.command("SAVE");
        if (!saved.startsWith("+OK")) {
            throw new IllegalStateException("SAVE failed: " + saved);
        }
        server.kill();
        server.launch();
        Poll.until(Duration.ofSeconds(20), "the restarted Redis answers -LOADING", () -> {
            String pong = server.command("PING");
            if (pong.startsWith("+PONG")) {
                throw new AssertionError("Redis finished loading before the test saw it loading: "
                        + "raise FILLER_KEYS or key-load-delay");
            }
            return pong.startsWith("-LOADING");
        });
    }

    public void awaitLoaded() {
        server.awaitReady(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        server.close();
    }
}
