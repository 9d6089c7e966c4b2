package io.redissessions.testing.contract;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code -BUSY}: a script that loops until {@code SCRIPT KILL}; with {@code busy-reply-threshold}
 * at 100 ms Redis answers every other command {@code -BUSY} meanwhile.
 */
final class BusyScriptFault extends RedisFault {

    private final RedisServer server;
    private CompletableFuture<String> script;
    /** BUSY replies counted before the script started, plus those the fixture's own probes got. */
    private long busyReplies;

    private BusyScriptFault(RedisServer server) {
        super("BUSY", "BUSY", server);
        this.server = server;
    }

    static BusyScriptFault start() {
        return new BusyScriptFault(RedisServer.builder().set("busy-reply-threshold", "100").start());
    }

    /** While the script runs Redis answers INFO with -BUSY too: the count is kept by hand then. */
    @Override
    public long errorRepliesSoFar() {
        return script != null ? busyReplies : super.errorRepliesSoFar();
    }

    @Override
    public void apply(Phase phase) {
        busyReplies = super.errorRepliesSoFar();
        script = Concurrently.onOwnThread("busy-script", () -> server.commandWithin(Duration.ofSeconds(120),
                "EVAL", "local i = 0 while true do i = i + 1 end", "0"));
        Poll.until(Duration.ofSeconds(10), "Redis answers -BUSY", () -> {
            boolean busy = server.command("PING").startsWith("-BUSY");
            if (busy) {
                busyReplies++;
            }
            return busy;
        });
    }

    @Override
    public void lift() {
        AclFault.ok(server.command("SCRIPT", "KILL"));
        try {
            script.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the busy script did not end: " + e, e);
        }
        script = null;
        Poll.until(Duration.ofSeconds(10), "Redis answers again", () -> server.command("PING").startsWith("+PONG"));
    }
}
