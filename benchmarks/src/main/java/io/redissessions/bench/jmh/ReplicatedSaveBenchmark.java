package io.redissessions.bench.jmh;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.SessionState;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What {@code saveReplicas} costs a save: a master and one replica on loopback (both started by
 * the benchmark, persistence off), the save of one changed attribute with {@code saveReplicas} 0
 * (the script alone) and 1 (the script and {@code WAIT 1}, pipelined in one round trip). One
 * thread: each figure is one save's latency.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplicatedSaveBenchmark {

    @Param({"0", "1"})
    public int saveReplicas;

    private RedisServer master;
    private RedisServer replica;
    private RedisSessionStore store;
    private String id;
    private int counter;

    @Setup(Level.Trial)
    public void setUp() {
        master = RedisServer.builder().start();
        replica = RedisServer.builder().set("replicaof", "127.0.0.1 " + master.port()).start();
        Poll.until(Duration.ofSeconds(30), "the replica is linked", () ->
                replica.command("INFO", "replication").contains("master_link_status:up"));
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(master.uri());
        c.setAllowedClasses(TypicalValues.ALLOWED);
        c.setNodeId("jmh");
        c.setSaveReplicas(saveReplicas);
        store = new RedisSessionStore(c, "jmh", Clock.systemUTC());
        id = "0123456789ABCDEF0123456789ABCDEF";
        SessionState s = store.newSession(id, 1800);
        TypicalValues.tenAttributes().forEach(s::setAttribute);
        if (s.save() != RedisSessionStore.SaveResult.SAVED) {
            throw new IllegalStateException("the session was not saved");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        replica.close();
        master.close();
    }

    /** The save alone (one round trip) of one changed attribute of a loaded session. */
    @Benchmark
    public Object saveOneChangedAttribute(OpenSession open) {
        open.state.setAttribute("counter", ++counter);
        return open.state.save();
    }

    /** A freshly loaded session per invocation, for {@link #saveOneChangedAttribute}. */
    @State(Scope.Thread)
    public static class OpenSession {
        SessionState state;

        @Setup(Level.Invocation)
        public void open(ReplicatedSaveBenchmark b) {
            state = b.store.open(b.id);
        }
    }
}
