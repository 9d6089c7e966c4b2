package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.RedisClusterGroup;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.HashSet;
import java.util.LinkedHashMap;
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

    @Test
    void idChangeIsOneScriptOnTheNodeOfTheSessionsSlot() {
        String oldId = newId();
        createSaved(oldId, 600, Map.of("a", "x"));
        String newId = newIdInShardOf(oldId);
        String missing = newIdInShardOf(oldId);
        store.changeId(missing, newIdInShardOf(oldId)); // that node learns the script (NOSCRIPT, then EVAL)
        RedisServer owner = cluster.nodeForSlot(JedisClusterCRC16.getSlot(store.keys().sessionKey(oldId)));
        Map<RedisServer, CommandStats> before = new LinkedHashMap<>();
        cluster.nodes().forEach(n -> before.put(n, CommandStats.read(n)));

        assertThat(store.changeId(oldId, newId)).isTrue();

        for (RedisServer node : cluster.nodes()) {
            Map<String, Long> delta = CommandStats.read(node).minus(before.get(node));
            if (node == owner) {
                // Redis counts what a script runs inside itself too; the client sent one EVALSHA
                assertThat(delta).containsEntry("evalsha", 1L).containsEntry("rename", 1L)
                        .doesNotContainKeys("eval", "dump", "restore", "del", "pttl");
            } else {
                assertThat(delta).as("node %s", node.port()).doesNotContainKeys("evalsha", "eval", "dump", "restore");
            }
        }
    }
}
