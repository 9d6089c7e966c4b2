package io.redissessions.jetty;

import io.redissessions.core.SessionIds;
import io.redissessions.core.store.IdsInShard;
import io.redissessions.core.store.SessionKeys;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.HouseKeeper;
import org.eclipse.jetty.session.SessionIdManager;
import org.eclipse.jetty.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Random;

/**
 * Jetty's {@link DefaultSessionIdManager} (ids, worker-name suffix, house keeper: all Jetty's),
 * except that a renewed id (Jetty renews the id at login) is made in the old id's shard, so that
 * {@link RedisSessionCache} renames the session in Redis in one atomic script: nothing is deleted
 * and created again, an invalidation racing the renewal is never undone, a save racing it is not
 * lost. Drawing an id in a given shard takes about 16 draws of Jetty's generator.
 *
 * <p>The jetty-home module {@code session-store-redis} puts it in place of the {@code sessions}
 * module's id manager, keeping its settings ({@code jetty.sessionIdManager.workerName}, the
 * scavenge interval). Embedded: {@code server.addBean(new RedisSessionIdManager(server), true)}
 * where you would add a {@code DefaultSessionIdManager}; a server that has none gets one from
 * {@link RedisSessionCacheFactory} when its first context starts.
 */
public class RedisSessionIdManager extends DefaultSessionIdManager {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionIdManager.class);

    public RedisSessionIdManager(Server server) {
        super(server);
    }

    public RedisSessionIdManager(Server server, Random random) {
        super(server, random);
    }

    /** A new id for a session whose id changes, in the old id's shard; every context renames it. */
    @Override
    public String renewSessionId(String oldClusterId, String oldNodeId, Request request) {
        long seed = request == null ? System.nanoTime() : request.hashCode();
        String newClusterId = IdsInShard.generate(() -> newSessionId(seed), SessionKeys.shardOf(oldClusterId));
        for (SessionManager manager : getSessionManagers()) {
            try {
                manager.renewSessionId(oldClusterId, oldNodeId, newClusterId, getExtendedId(newClusterId, request));
            } catch (Exception e) {
                LOG.warn("redis-sessions: session {} could not be given its new id in {}: {}",
                        SessionIds.fingerprint(oldClusterId), manager, e.toString());
            }
        }
        return newClusterId;
    }

    /**
     * Puts a {@code RedisSessionIdManager} in place of the server's {@link DefaultSessionIdManager}
     * (the jetty-home {@code sessions} module's), with its worker name, random source, reseed and
     * house keeper; adds one if the server has none. Leaves a server alone that has one already,
     * or an id manager of another class (then renewals fall back to a delete and a create, and
     * {@link RedisSessionCache} says so once). Call it before the server starts.
     *
     * @return the id manager in place, or null when it is of another class
     */
    public static RedisSessionIdManager install(Server server) {
        SessionIdManager current = server.getBean(SessionIdManager.class);
        if (current instanceof RedisSessionIdManager redis) {
            return redis;
        }
        if (current != null && current.getClass() != DefaultSessionIdManager.class) {
            LOG.info("redis-sessions: the server's session id manager {} is kept; session id renewals are not atomic "
                    + "with it (use {})", current.getClass().getName(), RedisSessionIdManager.class.getName());
            return null;
        }
        RedisSessionIdManager ids = new RedisSessionIdManager(server);
        if (current instanceof DefaultSessionIdManager jetty) {
            if (jetty.isRunning()) {
                throw new IllegalStateException("redis-sessions: the session id manager is running already; "
                        + "install RedisSessionIdManager before the server starts");
            }
            if (jetty.getWorkerName() != null) {
                ids.setWorkerName(jetty.getWorkerName());
            }
            if (jetty.getRandom() != null) {
                ids.setRandom(jetty.getRandom());
            }
            ids.setReseed(jetty.getReseed());
            HouseKeeper houseKeeper = jetty.getSessionHouseKeeper();
            if (houseKeeper != null) {
                jetty.removeBean(houseKeeper);
                ids.setSessionHouseKeeper(houseKeeper);
            }
            server.removeBean(jetty);
        }
        server.addBean(ids, true);
        return ids;
    }
}
