package io.redissessions.demo;

import jakarta.servlet.ServletContext;

import java.net.InetAddress;
import java.util.function.Function;

/**
 * What the page needs to know about its node and Redis. Each value comes from a system property,
 * else an environment variable, else the webapp's context parameter (web.xml), else a default:
 *
 * <table>
 *   <tr><th>system property</th><th>environment</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>demo.node</td><td>DEMO_NODE</td><td>host name</td><td>the node's name shown on the page</td></tr>
 *   <tr><td>demo.redis</td><td>DEMO_REDIS</td><td>127.0.0.1:6379</td><td>host:port of the Redis the sessions live in</td></tr>
 *   <tr><td>demo.redisPassword</td><td>DEMO_REDIS_PASSWORD</td><td>none</td><td>its password, if any</td></tr>
 *   <tr><td>demo.namespace</td><td>DEMO_NAMESPACE</td><td>demo</td><td>the redis-sessions namespace of the nodes</td></tr>
 *   <tr><td>demo.keyPrefix</td><td>DEMO_KEY_PREFIX</td><td>rs:</td><td>the redis-sessions key prefix</td></tr>
 * </table>
 *
 * The namespace and prefix must match the containers' redis-sessions settings; the page only
 * reads Redis to show where the container put the session.
 */
record DemoSettings(String node, String redisHost, int redisPort, String redisPassword,
                    String namespace, String keyPrefix) {

    static DemoSettings from(ServletContext context) {
        return from(System::getProperty, System::getenv, context::getInitParameter);
    }

    static DemoSettings from(Function<String, String> systemProperties, Function<String, String> environment,
                             Function<String, String> contextParameters) {
        Function<String[], String> get = names -> {
            String v = systemProperties.apply(names[0]);
            if (v == null || v.isBlank()) {
                v = environment.apply(names[1]);
            }
            if (v == null || v.isBlank()) {
                v = contextParameters.apply(names[0]);
            }
            return v == null || v.isBlank() ? null : v.trim();
        };
        String node = get.apply(new String[] {"demo.node", "DEMO_NODE"});
        String redis = get.apply(new String[] {"demo.redis", "DEMO_REDIS"});
        String password = get.apply(new String[] {"demo.redisPassword", "DEMO_REDIS_PASSWORD"});
        String namespace = get.apply(new String[] {"demo.namespace", "DEMO_NAMESPACE"});
        String prefix = get.apply(new String[] {"demo.keyPrefix", "DEMO_KEY_PREFIX"});

        String hostPort = redis == null ? "127.0.0.1:6379" : redis;
        int colon = hostPort.lastIndexOf(':');
        String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : 6379;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("demo.redis: expected host:port, got '" + hostPort + "'");
        }
        return new DemoSettings(node == null ? hostName() : node, host, port, password,
                namespace == null ? "demo" : namespace, prefix == null ? "rs:" : prefix);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
