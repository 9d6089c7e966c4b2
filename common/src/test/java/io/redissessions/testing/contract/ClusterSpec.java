package io.redissessions.testing.contract;

import io.redissessions.testing.web.TestWebapp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a cluster under test is made of: how many nodes, the Redis they share and the store
 * settings every node gets (each with its usual name: failureMode, codec, allowedClasses,
 * signingKey, socketTimeoutMillis, connectTimeoutMillis). Never changed once made: the
 * {@code with...} methods return a changed copy.
 */
public final class ClusterSpec {

    private int nodes = 2;
    private String namePrefix = "";
    private String redisUri;
    private String namespace;
    private String failureMode = "fail";
    private String codec = "json";
    private String allowedClasses = TestWebapp.ALLOWED_CLASSES;
    private String signingKey;
    private int socketTimeoutMillis = 2000;
    private int connectTimeoutMillis = 2000;
    /** Further settings by their documented name (configuration.md), as each container takes them. */
    private final Map<String, String> settings = new LinkedHashMap<>();

    private ClusterSpec() {
    }

    /**
     * Two nodes on {@code redisUri} with {@code namespace}: failureMode fail, the json codec, the
     * webapp's own classes allowed, timeouts of 2 s (a loaded build machine must not make a
     * healthy Redis look slow).
     */
    public static ClusterSpec of(String redisUri, String namespace) {
        ClusterSpec s = new ClusterSpec();
        s.redisUri = Objects.requireNonNull(redisUri, "redisUri");
        s.namespace = Objects.requireNonNull(namespace, "namespace");
        return s;
    }

    private ClusterSpec copy() {
        ClusterSpec c = new ClusterSpec();
        c.nodes = nodes;
        c.namePrefix = namePrefix;
        c.redisUri = redisUri;
        c.namespace = namespace;
        c.failureMode = failureMode;
        c.codec = codec;
        c.allowedClasses = allowedClasses;
        c.signingKey = signingKey;
        c.socketTimeoutMillis = socketTimeoutMillis;
        c.connectTimeoutMillis = connectTimeoutMillis;
        c.settings.putAll(settings);
        return c;
    }

    public ClusterSpec withNodes(int n) {
        ClusterSpec c = copy();
        c.nodes = n;
        return c;
    }

    /** Node names are this prefix and a letter ("a", "b", ...): distinct prefixes for clusters that run at once. */
    public ClusterSpec withNamePrefix(String prefix) {
        ClusterSpec c = copy();
        c.namePrefix = prefix;
        return c;
    }

    public ClusterSpec withRedisUri(String uri) {
        ClusterSpec c = copy();
        c.redisUri = Objects.requireNonNull(uri, "uri");
        return c;
    }

    public ClusterSpec withFailureMode(String mode) {
        ClusterSpec c = copy();
        c.failureMode = mode;
        return c;
    }

    public ClusterSpec withCodec(String name) {
        ClusterSpec c = copy();
        c.codec = name;
        return c;
    }

    public ClusterSpec withAllowedClasses(String classes) {
        ClusterSpec c = copy();
        c.allowedClasses = classes;
        return c;
    }

    public ClusterSpec withSigningKey(String key) {
        ClusterSpec c = copy();
        c.signingKey = key;
        return c;
    }

    /** Socket and connect timeout of the nodes' Redis connections. */
    public ClusterSpec withTimeoutMillis(int millis) {
        ClusterSpec c = copy();
        c.socketTimeoutMillis = millis;
        c.connectTimeoutMillis = millis;
        return c;
    }

    /**
     * Any other setting by its documented name and value, as a {@code context.xml} attribute or
     * a Jetty {@code setSetting} call gives it (e.g. {@code saveReplicas}).
     */
    public ClusterSpec withSetting(String name, String value) {
        ClusterSpec c = copy();
        c.settings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return c;
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
    /** The settings of {@link #withSetting}, in the order they were given. */
    public Map<String, String> settings() { return Map.copyOf(settings); }

    /** The name of node {@code k}: the prefix and a letter. */
    public String nodeName(int k) {
        return namePrefix + (char) ('a' + k);
    }

    @Override
    public String toString() {
        return nodes + " nodes on " + redisUri + ", namespace " + namespace + ", failureMode " + failureMode
                + ", codec " + codec + ", allowedClasses '" + allowedClasses + "'" + (signingKey == null ? "" : ", signed")
                + ", timeouts " + socketTimeoutMillis + " ms" + (settings.isEmpty() ? "" : ", " + settings);
    }
}
