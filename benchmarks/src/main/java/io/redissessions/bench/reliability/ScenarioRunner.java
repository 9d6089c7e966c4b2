package io.redissessions.bench.reliability;

import io.redissessions.bench.node.Distributions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one load scenario within a hard time bound: Redis deployment, four nodes, sessions, load,
 * {@code before} seconds, the fault, {@code after} seconds, stop, final check. Past the bound,
 * everything it started is stopped (by PID) and the row says so.
 */
final class ScenarioRunner {

    private final Distributions dist;
    private final Path work;
    private final int beforeSeconds;
    private final int afterSeconds;
    private final Duration bound;

    ScenarioRunner(Distributions dist, Path work, int beforeSeconds, int afterSeconds, Duration bound) {
        this.dist = dist;
        this.work = work;
        this.beforeSeconds = beforeSeconds;
        this.afterSeconds = afterSeconds;
        this.bound = bound;
    }

    ScenarioResult run(Scenario s) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "scenario-" + s.name());
            t.setDaemon(true);
            return t;
        });
        Future<ScenarioResult> f = worker.submit(() -> runInside(s, started));
        try {
            return f.get(bound.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return ScenarioResult.failed(s, "not finished within " + bound.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            ReliabilitySuite.log(s.name() + " failed: " + c);
            return ScenarioResult.failed(s, c.getClass().getSimpleName() + ": " + String.valueOf(c.getMessage()).split("\n")[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ScenarioResult.failed(s, "interrupted");
        } finally {
            closeAll(started);
            worker.shutdownNow();
        }
    }

    private ScenarioResult runInside(Scenario s, Deque<AutoCloseable> started) throws Exception {
        Topology topology = s.topology().get();
        started.push(topology);
        ReliabilitySuite.log(s.name() + ": Redis at " + topology.uri() + ", starting 2 Tomcat and 2 Jetty nodes");
        NodeSet nodes = new NodeSet(dist, work, topology.uri(), s.settings(), 2, 2);
        started.push(nodes);
        nodes.start(Duration.ofSeconds(180));
        LoadClient load = new LoadClient(nodes.urls(), nodes.names(), Duration.ofSeconds(30));
        load.createSessions(s.sessions());
        load.start(s.clients());
        started.push(load::stop);
        LoadClient.pause(beforeSeconds * 1000L);
        ReliabilitySuite.log(s.name() + ": fault at " + load.now() / 1000.0 + " s");
        Fault.Times times = s.fault().inject(topology, load);
        ReliabilitySuite.log(s.name() + ": " + times.note() + "; over at " + times.healMillis() / 1000.0 + " s");
        LoadClient.pause(afterSeconds * 1000L);
        load.stop();
        LoadClient.FinalCheck fc = load.finalCheck();
        int keys = topology.sessionKeys(NodeSet.NAMESPACE);
        ScenarioResult r = ScenarioResult.of(s, load, fc, keys, times);
        ReliabilitySuite.log(s.name() + ": " + r.byStatus() + ", resets " + r.resets() + ", lost " + r.lostAcked()
                + ", max " + r.maxLatencyMillis() + " ms, misses " + r.misses());
        return r;
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                ReliabilitySuite.log("stopping: " + e);
            }
        }
    }
}
