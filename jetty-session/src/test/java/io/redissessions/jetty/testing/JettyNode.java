package io.redissessions.jetty.testing;

import io.redissessions.jetty.RedisSessionCacheFactory;
import io.redissessions.jetty.RedisSessionDataStore;
import io.redissessions.jetty.RedisSessionDataStoreFactory;
import io.redissessions.jetty.RedisSessionIdManager;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.HouseKeeper;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import javax.tools.ToolProvider;

/**
 * One embedded Jetty node (ee10) of a cluster, as a user sets it up: the Redis store factory and
 * the Redis session cache factory as server beans, a webapp at {@code /app} with its own class
 * loader that alone sees {@code WebappToken}.
 */
public final class JettyNode implements AutoCloseable {

    private static volatile Path webappClasses;

    private final String name;
    private final Server server;
    private final ServletContextHandler context;
    private final ServerConnector connector;

    private JettyNode(String name, Server server, ServletContextHandler context, ServerConnector connector) {
        this.name = name;
        this.server = server;
        this.context = context;
        this.connector = connector;
    }

    public static Builder builder(String name, String redisUri) {
        return new Builder(name, redisUri);
    }

    public String name() {
        return name;
    }

    public String baseUri() {
        return "http://127.0.0.1:" + connector.getLocalPort() + "/app";
    }

    public Server server() {
        return server;
    }

    public RedisSessionDataStore store() {
        return (RedisSessionDataStore) context.getSessionHandler().getSessionCache().getSessionDataStore();
    }

    /** One scavenge of this node, as its HouseKeeper would run it. */
    public void scavenge() {
        context.getSessionHandler().scavenge();
    }

    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Source of a class that only the webapp class loaders see (each node has its own loader). */
    private static final String WEBAPP_TOKEN = """
            public class WebappToken implements java.io.Serializable {
                private static final long serialVersionUID = 1L;
                private int value;
                public int getValue() { return value; }
                public void setValue(int value) { this.value = value; }
                @Override public boolean equals(Object o) { return o instanceof WebappToken t && t.value == value; }
                @Override public int hashCode() { return value; }
            }
            """;

    /** A directory holding WebappToken.class, compiled here so that the test's class loader cannot see it. */
    private static synchronized Path webappClasses() {
        if (webappClasses == null) {
            try {
                Path dir = Files.createTempDirectory("webapp-classes");
                Path source = dir.resolve("WebappToken.java");
                Files.writeString(source, WEBAPP_TOKEN);
                int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), source.toString());
                if (rc != 0) {
                    throw new IllegalStateException("cannot compile WebappToken");
                }
                Files.delete(source);
                webappClasses = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return webappClasses;
    }

    public static final class Builder {
        private final String name;
        private final RedisSessionDataStoreFactory store = new RedisSessionDataStoreFactory();
        private int scavengeIntervalSec;
        private int maxInactiveSeconds = 1800;
        private DestroyLog destroyLog;
        private boolean redisCache = true;
        private boolean jmx;
        private boolean jettyIdManager;
        private Consumer<ServletContextHandler> contextSetup = c -> { };

        private Builder(String name, String redisUri) {
            this.name = name;
            store.setUri(redisUri);
            store.setAllowedClasses("WebappToken");
            store.setSocketTimeoutMillis(500);
            store.setConnectTimeoutMillis(500);
            store.setPoolMaxWaitMillis(500);
        }

        /** Seconds between scavenges by Jetty's HouseKeeper; 0 (default): only when the test calls {@link #scavenge}. */
        public Builder scavengeIntervalSec(int seconds) {
            this.scavengeIntervalSec = seconds;
            return this;
        }

        public Builder maxInactiveSeconds(int seconds) {
            this.maxInactiveSeconds = seconds;
            return this;
        }

        public Builder destroyLog(DestroyLog log) {
            this.destroyLog = log;
            return this;
        }

        public Builder store(Consumer<RedisSessionDataStoreFactory> settings) {
            settings.accept(store);
            return this;
        }

        /** Registers the server's beans in the platform MBean server. */
        public Builder jmx() {
            this.jmx = true;
            return this;
        }

        /** More set-up of the webapp's context (security, servlets), before the server starts. */
        public Builder context(Consumer<ServletContextHandler> customizer) {
            this.contextSetup = this.contextSetup.andThen(customizer);
            return this;
        }

        /** Use Jetty's own DefaultSessionIdManager instead of RedisSessionIdManager. */
        public Builder jettyIdManager() {
            this.jettyIdManager = true;
            return this;
        }

        /** Use Jetty's default session cache instead of the Redis one. */
        public Builder jettyDefaultCache() {
            this.redisCache = false;
            return this;
        }

        public JettyNode start() {
            try {
                Server server = new Server();
                ServerConnector connector = new ServerConnector(server);
                connector.setHost("127.0.0.1");
                connector.setPort(0);
                server.addConnector(connector);

                DefaultSessionIdManager ids = jettyIdManager ? new DefaultSessionIdManager(server)
                        : new RedisSessionIdManager(server);
                ids.setWorkerName(name);
                HouseKeeper houseKeeper = new HouseKeeper();
                houseKeeper.setIntervalSec(scavengeIntervalSec);
                ids.setSessionHouseKeeper(houseKeeper);
                server.addBean(ids, true);
                if (jmx) {
                    server.addBean(new MBeanContainer(ManagementFactory.getPlatformMBeanServer()));
                }
                server.addBean(store);
                if (redisCache) {
                    server.addBean(new RedisSessionCacheFactory());
                }

                ServletContextHandler context = new ServletContextHandler("/app", ServletContextHandler.SESSIONS);
                context.setClassLoader(new URLClassLoader(new URL[]{webappClasses().toUri().toURL()},
                        JettyNode.class.getClassLoader()));
                context.addServlet(SessionServlet.class, "/s");
                context.getSessionHandler().setMaxInactiveInterval(maxInactiveSeconds);
                if (destroyLog != null) {
                    context.addEventListener(destroyLog.listenerFor(name));
                }
                contextSetup.accept(context);
                server.setHandler(context);
                server.start();
                return new JettyNode(name, server, context, connector);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start node " + name, e);
            }
        }
    }
}
