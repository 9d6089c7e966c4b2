package io.redissessions.testing.contract;

import io.redissessions.testing.ErrorStats;
import io.redissessions.testing.RedisServer;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A real Redis made to fail in one way, on demand: to answer an error reply that says nothing
 * about the data ({@code -NOPERM}, {@code -LOADING}, {@code -BUSY}, ...) or not to answer in
 * time. Every fault brings up its own server(s); {@link #close()} stops them.
 */
public abstract class RedisFault implements AutoCloseable {

    /** Where the request meets the fault: loading its session, or saving it at the end. */
    public enum Phase { LOAD, SAVE }

    private final String name;
    private final String errorReply;
    private final RedisServer server;

    /**
     * @param errorReply what Redis answers, as INFO errorstats names it; null if it answers nothing
     * @param server     the server the nodes talk to, stopped by {@link #close()}
     */
    protected RedisFault(String name, String errorReply, RedisServer server) {
        this.name = name;
        this.errorReply = errorReply;
        this.server = server;
    }

    /** One kind of fault: its name, the phases it can happen in, and how to bring it up. */
    public record Kind(String name, Set<Phase> phases, Supplier<RedisFault> factory) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Every fault of the contract. Not here: TRYAGAIN (Redis answers it only to multi-key
     * commands during a slot migration; a session's keys share one slot, so the store never
     * meets it).
     */
    public static List<Kind> all() {
        Set<Phase> both = EnumSet.allOf(Phase.class);
        return List.of(
                new Kind("NOPERM", both, AclFault::noperm),
                new Kind("NOPERM inside a script", both, AclFault::nopermInScript),
                new Kind("WRONGPASS", both, AclFault::wrongpass),
                new Kind("NOAUTH", both, AclFault::noauth),
                new Kind("LOADING", both, LoadingFault::start),
                new Kind("CLIENT PAUSE", both, UnresponsiveFault::clientPause),
                new Kind("DEBUG SLEEP", both, UnresponsiveFault::debugSleep),
                new Kind("BUSY", both, BusyScriptFault::start),
                // a load is a read, which a replica serves: READONLY can only meet a save
                new Kind("READONLY", EnumSet.of(Phase.SAVE), ReplicaFault::readonly),
                new Kind("MASTERDOWN", both, ReplicaFault::masterdown),
                new Kind("CLUSTERDOWN", both, ClusterDownFault::start));
    }

    /** The server the nodes talk to. */
    public RedisServer server() {
        return server;
    }

    /** The URI the nodes are configured with: the server's, without credentials. */
    public String appUri() {
        return server.uri();
    }

    /**
     * The error reply Redis answers with, as INFO errorstats names it ({@code LOADING}); null if
     * it answers nothing (the call times out).
     */
    public String errorReply() {
        return errorReply;
    }

    /**
     * How many {@link #errorReply()} replies Redis has sent so far (INFO errorstats), the
     * fixture's own included: compared before and after a request, the proof that the request met
     * the fault.
     */
    public long errorRepliesSoFar() {
        return ErrorStats.read(server()).count(errorReply());
    }

    /** Makes Redis fail from now on, for a request in {@code phase}; returns once it does. */
    public abstract void apply(Phase phase);

    /** Makes Redis work again; returns once it does. */
    public abstract void lift();

    /**
     * True if {@link #apply} closes the nodes' Redis connections: a node then has to connect
     * afresh, which a read does by itself (it retries once on a fresh connection), but a save
     * does not; the test sends each node one request first so that the save meets the fault and
     * not a dead connection.
     */
    public boolean closesConnections() {
        return false;
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
