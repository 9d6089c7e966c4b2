package io.redissessions.bench.reliability;

/** The Redis deployment of one scenario: its URI for the nodes, and what it holds. */
interface Topology extends AutoCloseable {

    /** The redis-sessions URI the nodes use. */
    String uri();

    /** Session keys of the namespace on the data nodes that are masters now. */
    int sessionKeys(String namespace);

    /** Stops every process it started, by PID. */
    @Override
    void close();

    static String sessionKeyPattern(String namespace) {
        return "rs:{" + namespace + ":*}:s:*";
    }
}
