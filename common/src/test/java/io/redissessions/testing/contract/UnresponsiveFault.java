package io.redissessions.testing.contract;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Redis that answers nothing for longer than the nodes' socket timeout (the contract's fault
 * cases use 500 ms):
 * <ul>
 *   <li>CLIENT PAUSE: {@code CLIENT PAUSE 3000 ALL} (load: every command waits; Redis 7.0 also
 *       holds back CLIENT UNPAUSE then, so it ends by itself) or {@code CLIENT PAUSE 60000 WRITE}
 *       (save: reads go on, the save script waits) ended by {@code CLIENT UNPAUSE}.</li>
 *   <li>DEBUG SLEEP: {@code DEBUG SLEEP 3} blocks the whole server for 3 s.</li>
 * </ul>
 * Before the request is sent, a PING with a 200 ms timeout must go unanswered: the fault is in
 * place.
 */
final class UnresponsiveFault extends RedisFault {

    private static final Duration PROBE = Duration.ofMillis(200);

    private final boolean sleep;
    private final RedisServer server;
    private CompletableFuture<String> blocking;
    private Phase phase;

    private UnresponsiveFault(String name, boolean sleep) {
        super(name, null, RedisServer.builder().set("enable-debug-command", "local").start());
        this.sleep = sleep;
        this.server = server();
    }

    static UnresponsiveFault clientPause() {
        return new UnresponsiveFault("CLIENT PAUSE", false);
    }

    static UnresponsiveFault debugSleep() {
        return new UnresponsiveFault("DEBUG SLEEP", true);
    }

    @Override
    public void apply(Phase phase) {
        this.phase = phase;
        if (sleep) {
            blocking = Concurrently.onOwnThread("debug-sleep", () -> server.command("DEBUG", "SLEEP", "3"));
            Poll.until(Duration.ofSeconds(5), "Redis sleeps (a PING goes unanswered)", () -> !server.answersWithin(PROBE));
        } else if (phase == Phase.LOAD) {
            AclFault.ok(server.command("CLIENT", "PAUSE", "3000", "ALL"));
            if (server.answersWithin(PROBE)) {
                throw new IllegalStateException("Redis answered a PING during CLIENT PAUSE ALL");
            }
        } else {
            AclFault.ok(server.command("CLIENT", "PAUSE", "60000", "WRITE"));
        }
    }

    @Override
    public void lift() {
        try {
            if (blocking != null) {
                blocking.get(10, TimeUnit.SECONDS);
            } else if (phase == Phase.SAVE) {
                AclFault.ok(server.command("CLIENT", "UNPAUSE"));
            }
        } catch (Exception e) {
            throw new IllegalStateException("lifting " + this + ": " + e, e);
        }
        Poll.until(Duration.ofSeconds(10), "Redis answers again", () -> server.command("PING").startsWith("+PONG"));
    }
}
