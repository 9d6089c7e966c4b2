package io.redissessions.testing.contract;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis whose restart has a loading phase that lasts until the test ends it, as a large data set
 * has in production: it holds {@value #FILLER_KEYS} filler keys of about 1 KB and loads each one
 * {@code key-load-delay} = 200 ms slowly from its (uncompressed) RDB file, 40 s in all; with
 * {@code loading-process-events-interval-bytes} = 1024 it keeps answering while it loads, every
 * command with {@code -LOADING}. The test ends the phase itself ({@code CONFIG SET key-load-delay
 * 0}, which Redis accepts while it loads), so the requests of the test meet the loading phase
 * however slow the machine is. Works with Redis 7.0 (these directives are hidden but accepted).
 */
public final class LoadingRedis implements AutoCloseable {

    private static final int FILLER_KEYS = 200;
    private static final String KEY_LOAD_DELAY_MICROS = "200000";

    private final RedisServer server;

    private LoadingRedis(RedisServer server) {
        this.server = server;
    }

    public static LoadingRedis start() {
        RedisServer server = RedisServer.builder()
                .set("rdbcompression", "no")
                .set("loading-process-events-interval-bytes", "1024")
                .set("key-load-delay", KEY_LOAD_DELAY_MICROS)
                .start();
        List<String[]> fill = new ArrayList<>();
        for (int i = 0; i < FILLER_KEYS; i++) {
            fill.add(new String[] {"SET", "filler:" + i, ("x" + i).repeat(1100 / (1 + Integer.toString(i).length()))});
        }
        server.commands(fill);
        return new LoadingRedis(server);
    }

    public RedisServer server() {
        return server;
    }

    /**
     * Writes the data set to disk (SAVE), kills the process as a crash would and starts it again;
     * returns once it is loading (and answers {@code -LOADING}).
     */
    public void restartIntoLoading() {
        String saved = server.command("SAVE");
        if (!saved.startsWith("+OK")) {
            throw new IllegalStateException("SAVE failed: " + saved);
        }
        server.kill();
        server.launch();
        Poll.until(Duration.ofSeconds(20), "the restarted Redis answers -LOADING", this::isLoading);
    }

    /** Whether Redis is loading its data set now (INFO persistence, which it answers while it loads). */
    public boolean isLoading() {
        try {
            return server.command("INFO", "persistence").contains("loading:1");
        } catch (IllegalStateException e) {
            return false; // not listening yet
        }
    }

    /** Ends the loading phase ({@code key-load-delay} 0) and returns once Redis has loaded its data. */
    public void awaitLoaded() {
        String set = server.command("CONFIG", "SET", "key-load-delay", "0");
        if (!set.startsWith("+OK")) {
            throw new IllegalStateException("CONFIG SET key-load-delay 0 failed: " + set);
        }
        server.awaitReady(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        server.close();
    }
}
