package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.testing.RedisClusterGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on a three-master Redis Cluster. */
class ClusterStoreTest extends SessionStoreContract {

    private static RedisClusterGroup cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterGroup.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected SessionStoreConfig config() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(cluster.uri());
        return c;
    }

    @Test
    void sessionsOfOneNamespaceSpreadOverSeveralMasters() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            String id = newId();
            createSaved(id, 600, Map.of("n", i));
            ports.add(cluster.nodeForSlot(JedisClusterCRC16.getSlot(store.keys().sessionKey(id))).port());
        }
        assertThat(ports).hasSizeGreaterThan(1);
    }
}
