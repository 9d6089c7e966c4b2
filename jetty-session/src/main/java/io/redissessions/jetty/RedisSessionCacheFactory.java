package io.redissessions.jetty;

import org.eclipse.jetty.session.AbstractSessionCacheFactory;
import org.eclipse.jetty.session.SessionCache;
import org.eclipse.jetty.session.SessionManager;

/**
 * Makes a {@link RedisSessionCache} for every context: {@code server.addBean(new
 * RedisSessionCacheFactory())}, or the jetty-home module {@code session-cache-redis}. The cache's
 * behaviour is fixed (no sessions kept between requests, written before the response leaves, a
 * save that Redis cannot take answered 503 while the response can still be changed); of
 * Jetty's cache settings only {@code saveOnCreate}, {@code removeUnloadableSessions} (default true
 * here) and {@code invalidateOnShutdown} apply.
 */
public class RedisSessionCacheFactory extends AbstractSessionCacheFactory {

    public RedisSessionCacheFactory() {
        setEvictionPolicy(SessionCache.EVICT_ON_SESSION_EXIT);
        setRemoveUnloadableSessions(true);
    }

    /** A {@link RedisSessionCache}; the manager's requests then save their session before the response leaves. */
    @Override
    public SessionCache newSessionCache(SessionManager manager) {
        RedisSessionCache cache = new RedisSessionCache(manager);
        SaveBeforeResponse.install(manager);
        return cache;
    }
}
