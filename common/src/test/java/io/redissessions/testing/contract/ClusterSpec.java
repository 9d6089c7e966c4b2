package io.redissessions.testing.contract;

import io.redissessions.testing.web.TestWebapp;

import java.util.Objects;

/**
 * What a cluster under test is made of: how many nodes, the Redis they share and the store
 * settings every node gets (each with its usual name: failureMode, codec, allowedClasses,
 * signingKey, socketTimeoutMillis, connectTimeoutMillis). Immutable; the {@code with...} methods
 * return a changed copy.
 */
public final class ClusterSpec {

    private final int nodes;
    private final String namePrefix;
    private final String redisUri;
    private final String namespace;
    private final String failureMode;
    private final String codec;
    private final String allowedClasses;
    private final String signingKey;
    private final int socketTimeoutMillis;
    private final int connectTimeoutMillis;

    private ClusterSpec(int nodes, String namePrefix, String redisUri, String namespace, String failureMode,
                        String codec, String allowedClasses, String signingKey, int socketTimeoutMillis,
                        int connectTimeoutMillis) {
        this.nodes = nodes;
        this.namePrefix = namePrefix;
        this.redisUri = Objects.requireNonNull(redisUri, "redisUri");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.failureMode = failureMode;
        this.codec = codec;
        this.allowedClasses = allowedClasses;
        this.signingKey = signingKey;
        this.socketTimeoutMillis = socketTimeoutMillis;
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    /**
     * Two nodes on {@code redisUri} with {@code namespace}: failureMode fail, the json codec, the
     * webapp's own classes allowed, timeouts of 2 s (a loaded build machine must not make a
     * healthy Redis look slow).
     */
    public static ClusterSpec of(String redisUri, String namespace) {
        return new ClusterSpec(2, "", redisUri, namespace, "fail", "json", TestWebapp.ALLOWED_CLASSES, null, 2000, 2000);
    }

    public ClusterSpec withNodes(int n) {
        return new ClusterSpec(n, namePrefix, redisUri, namespace, failureMode, codec, allowedClasses, signingKey,
                socketTimeoutMillis, connectTimeoutMillis);
    }

    /** Node names are this prefix and a letter ("a", "b", ...): distinct prefixes for clusters that run at once. */
    public ClusterSpec withNamePrefix(String prefix) {
        return new ClusterSpec(nodes, prefix, redisUri, namespace, failureMode, codec, allowedClasses, signingKey,
                socketTimeoutMillis, connectTimeoutMillis);
    }

    public ClusterSpec withRedisUri(String uri) {
        return new ClusterSpec(nodes, namePrefix, uri, namespace, failureMode, codec, allowedClasses, signingKey,
                socketTimeoutMillis, connectTimeoutMillis);
    }

    public ClusterSpec withFailureMode(String mode) {
        return new ClusterSpec(nodes, namePrefix, redisUri, namespace, mode, codec, allowedClasses, signingKey,
                socketTimeoutMillis, connectTimeoutMillis);
    }

    public ClusterSpec withCodec(String c) {
        return new ClusterSpec(nodes, namePrefix, redisUri, namespace, failureMode, c, allowedClasses, signingKey,
                socketTimeoutMillis, connectTimeoutMillis);
    }

    public ClusterSpec withAllowedClasses(String classes) {
        return new ClusterSpec(nodes, namePrefix, redisUri, namespace, failureMode, codec, classes, signingKey,
                socketTimeoutMillis, connectTimeoutMillis);
    }

    public ClusterSpec withSigningKey(String key) {
        return new ClusterSpec(nodes, namePrefix, redisUri, namespace, failureMode, codec, allowedClasses, key,
                socketTimeoutMillis, connectTimeoutMillis);
    }

    /** Socket and connect timeout of the nodes' Redis connections. */
    public ClusterSpec withTimeoutMillis(int millis) {
        return new ClusterSpec(nodes, namePrefix, redisUri, namespace, failureMode, codec, allowedClasses, signingKey,
                millis, millis);
    }

    public int nodes() { return nodes; }
    public String redisUri() { return redisUri; }
    public String namespace() { return namespace; }
    public String failureMode() { return failureMode; }
    public String codec() { return codec; }
    public String allowedClasses() { return allowedClasses; }
    /** Null: no signing. */
    public String signingKey() { return signingKey; }
    public int socketTimeoutMillis() { return socketTimeoutMillis; }
    public int connectTimeoutMillis() { return connectTimeoutMillis; }

    /** The name of node {@code k}: the prefix and a letter. */
    public String nodeName(int k) {
        return namePrefix + (char) ('a' + k);
    }

    @Override
    public String toString() {
        return nodes + " nodes on " + redisUri + ", namespace " + namespace + ", failureMode " + failureMode
                + ", codec " + codec + ", allowedClasses '" + allowedClasses + "'" + (signingKey == null ? "" : ", signed")
                + ", timeouts " + socketTimeoutMillis + " ms";
    }
}
