package io.redissessions.jetty.testing;

import io.redissessions.jetty.RedisSessionCache;
import io.redissessions.jetty.RedisSessionCacheFactory;
import io.redissessions.jetty.RedisSessionDataStore;
import io.redissessions.jetty.RedisSessionDataStoreFactory;
import io.redissessions.jetty.RedisSessionIdManager;
import io.redissessions.testing.Poll;
import io.redissessions.testing.JavaSources;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.TestWebapp;
import io.redissessions.testing.web.WebNode;
import jakarta.servlet.http.HttpServlet;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.HouseKeeper;
import org.eclipse.jetty.util.security.Credential;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One embedded Jetty node (ee10) of a cluster, as a user sets it up: the Redis store factory and
 * the Redis session cache factory as server beans, a {@link RedisSessionIdManager} with a worker
 * name, and the test webapp ({@link TestWebapp}, compiled against Jetty's servlet API) deployed at
 * {@code /app} by a {@link WebAppContext} with its own class loader; with a login variant
 * ({@link Builder#login}), a {@link HashLoginService} of {@link TestWebapp#USERS} named
 * {@value TestWebapp#REALM}. Jetty's HouseKeeper scavenges only when the test asks
 * ({@link #scavenge()}) unless {@link Builder#scavengeIntervalSec} says otherwise.
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
        return webapp(dir, TestWebapp.Login.NONE);
    }

    /** The test webapp with a login variant in {@code dir}. */
    public static Path webapp(Path dir, TestWebapp.Login login) {
        return TestWebapp.build(dir, List.of(JavaSources.locationOf(HttpServlet.class)), login);
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

    public RedisSessionCache sessionCache() {
        return (RedisSessionCache) sessionHandler().getSessionCache();
    }

    /**
     * Waits until no request on this node uses a session. A client has its response before its
     * request completes on the server; a test that then takes a session itself (through the
     * {@link #sessionHandler()}) waits for this first, else it shares the request's object and its
     * own completion does not save (the request's does, later).
     */
    public void awaitRequestsCompleted() {
        Poll.until(Duration.ofSeconds(10), "the requests on " + name + " complete",
                () -> sessionCache().getSessionsInUse() == 0);
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
        private TestWebapp.Login login = TestWebapp.Login.NONE;
        private Path eventsFile;
        private int scavengeIntervalSec;
        private int maxInactiveSeconds = 1800;
        private boolean redisCache = true;
        private boolean jmx;
        private boolean jettyIdManager;
        private Consumer<WebAppContext> contextSetup = c -> { };

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

        /**
         * A login variant of the webapp (the node makes its own webapp with it, unless one is
         * given to {@link #webapp}, which must then have the same variant), and the realm.
         */
        public Builder login(TestWebapp.Login login) {
            this.login = login;
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

        /** More set-up of the webapp's context (listeners of the test's own), before the server starts. */
        public Builder context(Consumer<WebAppContext> setup) {
            this.contextSetup = this.contextSetup.andThen(setup);
            return this;
        }

        /** Jetty's own DefaultSessionIdManager instead of the RedisSessionIdManager (ids in any shard). */
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
            Path ownWebapp = null;
            try {
                if (webapp == null) {
                    ownWebapp = JettyNode.webapp(Files.createTempDirectory("jetty-webapp"), login);
                    webapp = ownWebapp;
                }
                Server server = new Server();
                ServerConnector connector = new ServerConnector(server);
                connector.setHost("127.0.0.1");
                connector.setPort(0);
                server.addConnector(connector);

                DefaultSessionIdManager ids = jettyIdManager ? new DefaultSessionIdManager(server)
                        : new RedisSessionIdManager(server);
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
                if (login != TestWebapp.Login.NONE) {
                    server.addBean(realm());
                }

                WebAppContext context = new WebAppContext(webapp.toString(), "/app");
                context.setInitParameter(TestWebapp.NODE_NAME, name);
                if (eventsFile != null) {
                    context.setInitParameter(TestWebapp.EVENTS_FILE, eventsFile.toString());
                }
                context.setThrowUnavailableOnStartupException(true);
                contextSetup.accept(context);
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

        /** The realm of the webapp's login variants: {@link TestWebapp#USERS}. */
        private static HashLoginService realm() {
            UserStore users = new UserStore();
            for (TestWebapp.User user : TestWebapp.USERS) {
                users.addUser(user.name(), Credential.getCredential(user.password()), user.roles().toArray(String[]::new));
            }
            HashLoginService realm = new HashLoginService(TestWebapp.REALM);
            realm.setUserStore(users);
            return realm;
        }
    }
}
