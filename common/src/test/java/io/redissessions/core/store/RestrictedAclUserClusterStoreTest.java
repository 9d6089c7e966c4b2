package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.connection.RedisConnector;
import io.redissessions.testing.RedisClusterGroup;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.UnifiedJedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on a three-master Cluster as the least-privilege user of
 * docs/operations.md with the Cluster additions (the slot map). The contract's checks read and
 * break Redis as the default user; the store itself only ever runs as the restricted one. ACL LOG
 * of every node must stay empty.
 */
class RestrictedAclUserClusterStoreTest extends SessionStoreContract {

    private static RedisClusterGroup cluster;
    private static RedisConnector admin;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterGroup.start();
        for (RedisServer node : cluster.nodes()) {
            RestrictedAclUser.create(node, RestrictedAclUser.clusterRules());
        }
        SessionStoreConfig adminConfig = new SessionStoreConfig();
        adminConfig.setUri(cluster.uri());
        admin = new RedisConnector(adminConfig);
    }

    @AfterAll
    static void stopCluster() {
        admin.close();
        cluster.close();
    }

    @Override
    protected SessionStoreConfig config() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(cluster.uri());
        c.setUser(RestrictedAclUser.NAME);
        c.setPassword(RestrictedAclUser.PASSWORD);
        return c;
    }

    @Override
    protected UnifiedJedis raw() {
        return admin.client();
    }

    @AfterEach
    void nothingWasRefused() {
        for (RedisServer node : cluster.nodes()) {
            assertThat(node.command("ACL", "LOG")).as("ACL LOG of node %s", node.port()).isEmpty();
        }
    }
}
