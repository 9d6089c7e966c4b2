package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store contract as the least-privilege user of docs/operations.md: keys {@code ~rs:*}, only
 * the commands the store and its scripts use. The contract's checks read Redis as the default
 * user; the store itself only ever runs as the restricted one. Afterwards ACL LOG must be empty:
 * nothing the store sent was refused (a refused command would also fail the contract).
 */
class RestrictedAclUserStoreTest extends SessionStoreContract {

    private static RedisServer redis;
    private static UnifiedJedis admin;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.builder().password("admin-secret").start();
        RestrictedAclUser.create(redis, RestrictedAclUser.rules());
        admin = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redis.port()))
                .clientConfig(DefaultJedisClientConfig.builder().password("admin-secret").database(1).build()).build();
    }

    @AfterAll
    static void stopRedis() {
        admin.close();
        redis.close();
    }

    @Override
    protected SessionStoreConfig config() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri("redis://127.0.0.1:" + redis.port() + "/1");
        c.setUser(RestrictedAclUser.NAME);
        c.setPassword(RestrictedAclUser.PASSWORD);
        return c;
    }

    @Override
    protected UnifiedJedis raw() {
        return admin;
    }

    @AfterEach
    void nothingWasRefused() {
        assertThat(redis.command("ACL", "LOG")).as("ACL LOG: commands or keys refused to the store").isEmpty();
    }

    @Test
    void theUserCannotReachKeysOutsideThePrefixNorOtherCommands() {
        redis.command("ACL", "LOG", "RESET");
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", redis.port()), DefaultJedisClientConfig.builder()
                .user(RestrictedAclUser.NAME).password(RestrictedAclUser.PASSWORD).build())) {
            assertThat(j.ping()).isEqualTo("PONG");
            assertThatThrownBy(() -> j.hget("app:user:1", "name")).isInstanceOf(JedisAccessControlException.class);
            assertThatThrownBy(() -> j.get("rs:x")).isInstanceOf(JedisAccessControlException.class);
            assertThatThrownBy(() -> j.keys("*")).isInstanceOf(JedisAccessControlException.class);
            assertThatThrownBy(j::flushAll).isInstanceOf(JedisAccessControlException.class);
            assertThatThrownBy(() -> j.configGet("*")).isInstanceOf(JedisAccessControlException.class);
            // a script may only touch what the user may: no way around the key pattern
            assertThatThrownBy(() -> j.eval("return redis.call('SET', KEYS[1], 'x')", 1, "rs:x"))
                    .isInstanceOf(JedisDataException.class);
            assertThatThrownBy(() -> j.eval("return redis.call('HSET', KEYS[1], 'f', 'x')", 1, "other:x"))
                    .isInstanceOf(JedisDataException.class);
        }
        redis.command("ACL", "LOG", "RESET");
    }
}
