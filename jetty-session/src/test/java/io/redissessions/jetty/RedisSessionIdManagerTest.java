package io.redissessions.jetty;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.testing.RedisServer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.HouseKeeper;
import org.eclipse.jetty.session.SessionIdManager;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The id manager that makes renewed ids in the old id's shard, and how a server gets it. */
class RedisSessionIdManagerTest {

    @Test
    void renewedIdIsInTheOldIdsShardAndKeepsJettysFormWithTheWorkerName() {
        Server server = new Server();
        RedisSessionIdManager ids = new RedisSessionIdManager(server);
        ids.setWorkerName("node7");
        ids.initRandom(); // what start() does for ids (no server, no contexts: no house keeper needed)
        for (int i = 0; i < 200; i++) {
            String old = UUID.randomUUID().toString().replace("-", "");
            String renewed = ids.renewSessionId(old, old + ".node7", null);
            assertThat(SessionKeys.shardOf(renewed)).as(renewed).isEqualTo(SessionKeys.shardOf(old));
            assertThat(renewed).startsWith("node7").doesNotContain(".");
            assertThat(ids.getExtendedId(renewed, null)).isEqualTo(renewed + ".node7");
        }
    }

    @Test
    void installReplacesJettysIdManagerKeepingItsWorkerNameAndHouseKeeper() throws Exception {
        Server server = new Server();
        DefaultSessionIdManager jetty = new DefaultSessionIdManager(server);
        jetty.setWorkerName("nodeA");
        HouseKeeper houseKeeper = new HouseKeeper();
        houseKeeper.setIntervalSec(7);
        jetty.setSessionHouseKeeper(houseKeeper);
        server.addBean(jetty, true);

        RedisSessionIdManager ids = RedisSessionIdManager.install(server);

        assertThat(server.getBeans(SessionIdManager.class)).containsExactly(ids);
        assertThat(ids.getWorkerName()).isEqualTo("nodeA");
        assertThat(ids.getSessionHouseKeeper()).isSameAs(houseKeeper);
        assertThat(houseKeeper.getIntervalSec()).isEqualTo(7);
        assertThat(RedisSessionIdManager.install(server)).isSameAs(ids);
    }

    @Test
    void embeddedServerWithoutAnIdManagerGetsThisOneFromTheCacheFactory() throws Exception {
        try (RedisServer redis = RedisServer.startStandalone()) {
            Server server = new Server(0);
            RedisSessionDataStoreFactory store = new RedisSessionDataStoreFactory();
            store.setUri(redis.uri());
            server.addBean(store);
            server.addBean(new RedisSessionCacheFactory());
            server.setHandler(new ServletContextHandler("/", ServletContextHandler.SESSIONS));
            server.start();
            try {
                assertThat(server.getBeans(SessionIdManager.class)).singleElement()
                        .isInstanceOf(RedisSessionIdManager.class);
                assertThat(((ServletContextHandler) server.getHandler()).getSessionHandler().getSessionIdManager())
                        .isInstanceOf(RedisSessionIdManager.class);
            } finally {
                server.stop();
            }
        }
    }
}
