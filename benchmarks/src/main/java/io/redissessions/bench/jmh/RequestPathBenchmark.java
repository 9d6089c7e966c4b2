package io.redissessions.bench.jmh;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.store.RedisSessionStore;
import io.redissessions.core.store.SessionState;
import io.redissessions.core.store.StoredSession;
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
import org.openjdk.jmh.infra.Blackhole;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The request path of the store against a real redis-server on loopback (started by the
 * benchmark): load and decode a 10-attribute session, save one changed attribute, and the decode
 * part alone (no Redis). One thread: the figures are the latency of one request's store work,
 * round trip included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestPathBenchmark {

    @Param({"json", "java"})
    public String codec;

    private RedisServer redis;
    private RedisSessionStore store;
    private String id;
    private StoredSession stored;
    private ClassLoader loader;
    private int counter;

    @Setup(Level.Trial)
    public void setUp() {
        redis = RedisServer.builder().start();
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        c.setCodec(codec);
        c.setAllowedClasses(TypicalValues.ALLOWED);
        c.setNodeId("jmh");
        store = new RedisSessionStore(c, "jmh", Clock.systemUTC());
        id = "0123456789ABCDEF0123456789ABCDEF";
        SessionState s = store.newSession(id, 1800);
        TypicalValues.tenAttributes().forEach(s::setAttribute);
        if (s.save() != RedisSessionStore.SaveResult.SAVED) {
            throw new IllegalStateException("the session was not saved");
        }
        stored = store.load(id);
        loader = RequestPathBenchmark.class.getClassLoader();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        redis.close();
    }

    /** One round trip (HGETALL) and the decode of all ten attributes. */
    @Benchmark
    public void loadAndDecodeTenAttributes(Blackhole bh) {
        SessionState s = store.open(id);
        for (Map.Entry<String, Object> e : s.attributes(loader).entrySet()) {
            bh.consume(e.getValue());
        }
    }

    /** The decode of all ten attributes of an already loaded hash: no Redis. */
    @Benchmark
    public void decodeTenAttributes(Blackhole bh) {
        for (Map.Entry<String, byte[]> e : stored.attributes().entrySet()) {
            bh.consume(store.codec().decode(e.getKey(), e.getValue(), loader));
        }
    }

    /** What a request that changes its counter costs the store: load, set, save (two round trips). */
    @Benchmark
    public Object loadChangeOneAttributeAndSave() {
        SessionState s = store.open(id);
        s.setAttribute("counter", ++counter);
        return s.save();
    }

    /** The save alone (one script, one round trip) of one changed attribute of a loaded session. */
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
        public void open(RequestPathBenchmark b) {
            state = b.store.open(b.id);
        }
    }
}
