package io.redissessions.jetty.testing;

import io.redissessions.jetty.RedisSessionCacheFactory;
import io.redissessions.jetty.RedisSessionDataStore;
import io.redissessions.jetty.RedisSessionDataStoreFactory;
import io.redissessions.testing.JavaSources;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.TestWebapp;
import io.redissessions.testing.web.WebNode;
import jakarta.servlet.http.HttpServlet;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.HouseKeeper;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One embedded Jetty node (ee10) of a cluster, as a user sets it up: the Redis store factory and
 * the Redis session cache factory as server beans, a worker name, and the test webapp
 * ({@link TestWebapp}, compiled against Jetty's servlet API) deployed at {@code /app} by a
 * {@link WebAppContext} with its own class loader. Jetty's HouseKeeper scavenges only when the
 * test asks ({@link #scavenge()}) unless {@link Builder#scavengeIntervalSec} says otherwise.
 */
public final class JettyNode implements WebNode, AutoCloseable {

    private final String name;
    private final Server server;
    private final WebAppContext context;
    private final ServerConnector connector;
    private final CountingHouseKeeper houseKeeper;
    /** A webapp directory the node made for itself and deletes when it closes, else null. */
    private final Path ownWebapp;

    private JettyNode(String name, Server server, WebAppContext context, ServerConnector connector,
                      CountingHouseKeeper houseKeeper, Path ownWebapp) {
        this.name = name;
        this.ownWebapp = ownWebapp;
        this.server = server;
        this.context = context;
        this.connector = connector;
        this.houseKeeper = houseKeeper;
    }

    public static Builder builder(String name, String redisUri) {
        return new Builder(name, redisUri);
    }

    /** The test webapp in {@code dir}, compiled against the servlet API Jetty runs with. */
    public static Path webapp(Path dir) {
        return TestWebapp.build(dir, List.of(JavaSources.locationOf(HttpServlet.class)), false);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + connector.getLocalPort() + "/app";
    }

    public Server server() {
        return server;
    }

    public SessionHandler sessionHandler() {
        return context.getSessionHandler();
    }

    public RedisSessionDataStore store() {
        return (RedisSessionDataStore) sessionHandler().getSessionCache().getSessionDataStore();
    }

    /** One scavenge of this node (an expiry pass), run now on this thread, as its HouseKeeper would run it. */
    public void scavenge() {
        sessionHandler().scavenge();
    }

    /** Scavenges the HouseKeeper has completed since the node started. */
    public long houseKeeperPasses() {
        return houseKeeper.completed.get();
    }

    public boolean isRunning() {
        return server.isRunning();
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
        TestFiles.deleteRecursively(ownWebapp);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Jetty's HouseKeeper, counting the scavenges it completes: what a test waits for. */
    private static final class CountingHouseKeeper extends HouseKeeper {
        final AtomicLong completed = new AtomicLong();

        @Override
        public void scavenge() {
            super.scavenge();
            completed.incrementAndGet();
        }
    }

    public static final class Builder {
        private final String name;
        private final RedisSessionDataStoreFactory store = new RedisSessionDataStoreFactory();
        private Path webapp;
        private Path eventsFile;
        private int scavengeIntervalSec;
        private int maxInactiveSeconds = 1800;
        private boolean redisCache = true;
        private boolean jmx;

        private Builder(String name, String redisUri) {
            this.name = name;
            store.setUri(redisUri);
            store.setAllowedClasses(TestWebapp.ALLOWED_CLASSES);
            store.setSocketTimeoutMillis(2000);
            store.setConnectTimeoutMillis(2000);
        }

        /** The webapp directory to deploy (see {@link JettyNode#webapp}); by default the node makes its own. */
        public Builder webapp(Path dir) {
            this.webapp = dir;
            return this;
        }

        /** Where the webapp's listeners log their events. */
        public Builder eventsFile(Path file) {
            this.eventsFile = file;
            return this;
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

        public Builder store(Consumer<RedisSessionDataStoreFactory> settings) {
            settings.accept(store);
            return this;
        }

        /** Registers the server's beans in the platform MBean server. */
        public Builder jmx() {
            this.jmx = true;
            return this;
        }

        /** Use Jetty's default session cache instead of the Redis one. */
        public Builder jettyDefaultCache() {
            this.redisCache = false;
            return this;
        }

        public JettyNode start() {
            Path ownWebapp = null;
            try {
                if (webapp == null) {
                    ownWebapp = JettyNode.webapp(Files.createTempDirectory("jetty-webapp"));
                    webapp = ownWebapp;
                }
                Server server = new Server();
                ServerConnector connector = new ServerConnector(server);
                connector.setHost("127.0.0.1");
                connector.setPort(0);
                server.addConnector(connector);

                DefaultSessionIdManager ids = new DefaultSessionIdManager(server);
                ids.setWorkerName(name);
                CountingHouseKeeper houseKeeper = new CountingHouseKeeper();
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

                WebAppContext context = new WebAppContext(webapp.toString(), "/app");
                context.setInitParameter(TestWebapp.NODE_NAME, name);
                if (eventsFile != null) {
                    context.setInitParameter(TestWebapp.EVENTS_FILE, eventsFile.toString());
                }
                context.setThrowUnavailableOnStartupException(true);
                server.setHandler(context);
                server.start();
                // after the start: the webapp's descriptors (webdefault: 30 minutes) set it while it starts
                context.getSessionHandler().setMaxInactiveInterval(maxInactiveSeconds);
                return new JettyNode(name, server, context, connector, houseKeeper, ownWebapp);
            } catch (Exception e) {
                TestFiles.deleteRecursively(ownWebapp);
                throw new IllegalStateException("cannot start node " + name, e);
            }
        }
    }
}
