package io.redissessions.jetty;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.AbstractSessionCacheFactory;
import org.eclipse.jetty.session.AbstractSessionManager;
import org.eclipse.jetty.session.SessionCache;
import org.eclipse.jetty.session.SessionIdManager;
import org.eclipse.jetty.session.SessionManager;

/**
 * Makes a {@link RedisSessionCache} for every context: {@code server.addBean(new
 * RedisSessionCacheFactory())}, or the jetty-home module {@code session-cache-redis}. The cache's
 * behaviour is fixed (no sessions kept between requests, write-through at response commit); of
 * Jetty's cache settings only {@code saveOnCreate}, {@code removeUnloadableSessions} (default true
 * here) and {@code invalidateOnShutdown} apply.
 *
 * <p>A server that has no session id manager when its first context starts gets a
 * {@link RedisSessionIdManager} (instead of the {@code DefaultSessionIdManager} Jetty would make),
 * so that id renewals are atomic.
 */
public class RedisSessionCacheFactory extends AbstractSessionCacheFactory {

    public RedisSessionCacheFactory() {
        setEvictionPolicy(SessionCache.EVICT_ON_SESSION_EXIT);
        setRemoveUnloadableSessions(true);
    }

    @Override
    public SessionCache newSessionCache(SessionManager manager) {
        JettyVersion.requireSupported();
        if (manager instanceof AbstractSessionManager jetty && jetty.getSessionIdManager() == null) {
            provideIdManager(jetty.getServer());
        }
        return new RedisSessionCache(manager);
    }

    /** As Jetty does when a server has no session id manager (the server's class loader, managed and started). */
    private static void provideIdManager(Server server) {
        if (server == null || server.getBean(SessionIdManager.class) != null) {
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader loader = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(server.getClass().getClassLoader());
            RedisSessionIdManager ids = new RedisSessionIdManager(server);
            server.addBean(ids, true);
            ids.start();
        } catch (Exception e) {
            throw new IllegalStateException("redis-sessions: cannot start a session id manager", e);
        } finally {
            thread.setContextClassLoader(loader);
        }
    }
}
