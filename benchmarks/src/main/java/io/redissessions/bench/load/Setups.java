package io.redissessions.bench.load;

import io.redissessions.bench.node.Distributions;
import io.redissessions.bench.node.JettyNode;
import io.redissessions.bench.node.Node;
import io.redissessions.bench.node.TomcatNode;

import java.util.List;
import java.util.Map;

/** The configurations the load benchmark compares: a container and what keeps its sessions. */
public final class Setups {

    public static final String NAMESPACE = "bench";

    private Setups() {
    }

    /**
     * Installs (not starts) {@code container} with {@code sessions}: memory, redis, redis-wait
     * (redis-sessions with {@code saveReplicas=1}: the caller attaches a replica) or redisson.
     */
    public static Node install(String container, String sessions, Distributions d, String redisUri, int redisPort,
                               List<String> jvmOptions) {
        return install(container, sessions, Map.of(), container + "-" + sessions, d, redisUri, redisPort, jvmOptions);
    }

    /**
     * Installs (not starts) {@code container} with {@code sessions} under the node name {@code name};
     * {@code settings} are redis-sessions settings beyond uri and namespace (Tomcat: Manager
     * attributes; Jetty: {@code jetty.session.redis.*} properties).
     */
    public static Node install(String container, String sessions, Map<String, String> settings, String name,
                               Distributions d, String redisUri, int redisPort, List<String> jvmOptions) {
        StringBuilder attributes = new StringBuilder();
        Map<String, String> ini = new java.util.LinkedHashMap<>();
        ini.put("jetty.session.redis.uri", redisUri);
        ini.put("jetty.session.redis.namespace", NAMESPACE);
        settings.forEach((k, v) -> {
            attributes.append(attributes.length() == 0 ? "" : " ").append(k).append("=\"").append(v).append('"');
            ini.put("jetty.session.redis." + k, v);
        });
        return switch (container + "/" + sessions) {
            case "tomcat/memory" -> TomcatNode.install(name, d.tomcatHome(), d.work(), List.of(), List.of(), null, jvmOptions);
            case "tomcat/redis" -> TomcatNode.install(name, d.tomcatHome(), d.work(),
                    TomcatNode.redisSessionsLines(redisUri, NAMESPACE, attributes.toString()), List.of(d.tomcatAllJar()),
                    null, jvmOptions);
            case "tomcat/redisson" -> {
                if (d.redissonLib() == null) {
                    throw new IllegalStateException("Redisson's jars are missing (bench.redisson.lib): benchmarks/run.sh fetches them");
                }
                Node node = TomcatNode.install(name, d.tomcatHome(), d.work(), TomcatNode.redissonLines(),
                        TomcatNode.jarsIn(d.redissonLib()), null, jvmOptions);
                TomcatNode.writeRedissonYaml(d.work(), name, "redis://127.0.0.1:" + redisPort);
                yield node;
            }
            case "tomcat/redis-wait" -> TomcatNode.install(name, d.tomcatHome(), d.work(),
                    TomcatNode.redisSessionsLines(redisUri, NAMESPACE, "saveReplicas=\"1\""), List.of(d.tomcatAllJar()),
                    null, jvmOptions);
            case "jetty/redis-wait" -> JettyNode.install(name, d.jettyHome(), d.work(), d.jettyOverlay(),
                    "http,ee10-deploy,session-store-redis",
                    Map.of("session-store-redis.ini", Map.of("jetty.session.redis.uri", redisUri,
                            "jetty.session.redis.namespace", NAMESPACE, "jetty.session.redis.saveReplicas", "1")),
                    jvmOptions);
            case "jetty/memory" -> JettyNode.install(name, d.jettyHome(), d.work(), null, "http,ee10-deploy", Map.of(), jvmOptions);
            case "jetty/redis" -> JettyNode.install(name, d.jettyHome(), d.work(), d.jettyOverlay(),
                    "http,ee10-deploy,session-store-redis",
                    Map.of("session-store-redis.ini", ini), jvmOptions);
            default -> throw new IllegalArgumentException("no configuration " + container + "/" + sessions
                    + " (containers: tomcat, jetty; sessions: memory, redis, redis-wait, redisson (Tomcat only))");
        };
    }

    /** The keys of one session of this configuration in Redis, for MEMORY USAGE; null in memory. */
    public static String sessionKeyPattern(String sessions) {
        return switch (sessions) {
            case "redis", "redis-wait" -> "rs:*:s:*";
            case "redisson" -> "redisson:tomcat_session:*";
            default -> null;
        };
    }
}
