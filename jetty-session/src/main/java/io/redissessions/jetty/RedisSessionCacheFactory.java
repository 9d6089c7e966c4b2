package io.redissessions.jetty;

import org.eclipse.jetty.session.AbstractSessionCacheFactory;
import org.eclipse.jetty.session.SessionCache;
import org.eclipse.jetty.session.SessionManager;

/**
 * Makes a {@link RedisSessionCache} for every context: {@code server.addBean(new
 * RedisSessionCacheFactory())}, or the jetty-home module {@code session-cache-redis}. The cache's
 * behaviour is fixed (no sessions kept between requests, write-through at response commit); of
 * Jetty's cache settings only {@code saveOnCreate}, {@code removeUnloadableSessions} (default true
 * here) and {@code invalidateOnShutdown} apply.
 */
public class RedisSessionCacheFactory extends AbstractSessionCacheFactory {

    public RedisSessionCacheFactory() {
        setEvictionPolicy(SessionCache.EVICT_ON_SESSION_EXIT);
        setRemoveUnloadableSessions(true);
    }

    @Override
    public SessionCache newSessionCache(SessionManager manager) {
        return new RedisSessionCache(manager);
    }
}
