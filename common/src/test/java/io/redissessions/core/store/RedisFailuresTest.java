package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.SessionStoreException.Kind;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What a Redis failure means, decided from what a real Redis really answers: only WRONGTYPE
 * proves the data bad; a script's own runtime error is a refusal of that operation; everything
 * else (LOADING, BUSY, ACL refusals, ...) is "Redis unavailable" and must never cost a session.
 */
class RedisFailuresTest {

    private static RedisServer redis;
    private static UnifiedJedis jedis;

    @BeforeAll
    static void start() {
        redis = RedisServer.startStandalone();
        jedis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redis.port()))
                .clientConfig(DefaultJedisClientConfig.builder().resp2().build()).build();
    }

    @AfterAll
    static void stop() {
        if (jedis != null) {
            jedis.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** The exception Jedis throws when Redis sends exactly this error reply. */
    private static JedisException replyOf(String errorReply) {
        return catchThrowableOfType(JedisException.class,
                () -> jedis.eval("return redis.error_reply(ARGV[1])", List.of(), List.of(errorReply)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "LOADING Redis is loading the dataset in memory",
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
            "CLUSTERDOWN The cluster is down",
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
            "TRYAGAIN Multiple keys request during rehashing of slot",
            "READONLY You can't write against a read only replica.",
            "NOAUTH Authentication required.",
            "WRONGPASS invalid username-password pair or user is disabled.",
            "NOPERM this user has no permissions to run the 'hgetall' command",
            "OOM command not allowed when used memory > 'maxmemory'.",
            "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.",
            "ERR something this client has never heard of"})
    void errorRepliesThatSayNothingAboutTheDataMeanUnavailable(String reply) {
        JedisException e = replyOf(reply);
        assertThat(e.getMessage()).startsWith(reply.substring(0, reply.indexOf(' ')));
        assertThat(RedisFailures.kindOf(e)).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void wrongTypeProvesTheDataBadAlsoInsideAScript() {
        jedis.set("rf:string", "not a hash");
        assertThat(RedisFailures.kindOf(catchThrowableOfType(JedisException.class, () -> jedis.hgetAll("rf:string"))))
                .isEqualTo(Kind.DATA);
        assertThat(RedisFailures.kindOf(catchThrowableOfType(JedisException.class,
                () -> jedis.eval("return redis.call('HGETALL', KEYS[1])", List.of("rf:string"), List.of()))))
                .isEqualTo(Kind.DATA);
    }

    @Test
    void aCounterFieldThatIsNotANumberProvesTheDataBad() {
        jedis.hset("rf:forged", "#v", "not a number");
        assertThat(RedisFailures.kindOf(catchThrowableOfType(JedisException.class,
                () -> jedis.eval("return redis.call('HINCRBY', KEYS[1], '#v', 1)", List.of("rf:forged"), List.of()))))
                .isEqualTo(Kind.DATA);
    }

    @Test
    void aScriptsOwnRuntimeErrorIsARefusalNotAnOutage() {
        assertThat(RedisFailures.kindOf(catchThrowableOfType(JedisException.class,
                () -> jedis.eval("error('boom')", 0)))).isEqualTo(Kind.REJECTED);
        assertThat(RedisFailures.kindOf(catchThrowableOfType(JedisException.class,
                () -> jedis.eval("local t = {} for i = 1, 20000 do t[i] = i end return unpack(t)", 0))))
                .isEqualTo(Kind.REJECTED);
    }

    @Test
    void anAclRefusalInsideAScriptIsUnavailableNotBadData() {
        redis.command("ACL", "SETUSER", "rf-limited", "on", ">rf-pw", "~*", "+@all", "-hset");
        try (UnifiedJedis limited = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redis.port()))
                .clientConfig(DefaultJedisClientConfig.builder().user("rf-limited").password("rf-pw").resp2().build())
                .build()) {
            JedisException e = catchThrowableOfType(JedisException.class,
                    () -> limited.eval("return redis.call('HSET', KEYS[1], 'a', 'b')", List.of("rf:h"), List.of()));
            assertThat(e.getMessage()).contains("can't run this command");
            assertThat(RedisFailures.kindOf(e)).isEqualTo(Kind.UNAVAILABLE);
        }
    }

    @Test
    void aRefusedConnectionIsUnavailable() {
        try (UnifiedJedis nobody = RedisClient.builder()
                .hostAndPort(new HostAndPort("127.0.0.1", RedisServer.freePort()))
                .clientConfig(DefaultJedisClientConfig.builder().connectionTimeoutMillis(300).resp2().build()).build()) {
            assertThat(RedisFailures.kindOf(catchThrowableOfType(JedisException.class, nobody::ping)))
                    .isEqualTo(Kind.UNAVAILABLE);
        }
    }

    @Test
    void noFreePooledConnectionIsOverloadNotAnOutage() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        c.setPoolMaxTotal(1);
        c.setPoolMaxWaitMillis(50);
        try (RedisSessionStore store = new RedisSessionStore(c, "overload", MutableClock.startingNow())) {
            store.ping();
            RedisClient client = (RedisClient) store.connector().client();
            try (Connection held = client.getPool().getResource()) {
                SessionStoreException e = catchThrowableOfType(SessionStoreException.class, () -> store.load("x"));
                assertThat(e.kind()).isEqualTo(Kind.OVERLOADED);
                assertThat(e.getMessage()).contains("poolMaxWaitMillis");
                assertThat(store.metrics().getPoolExhaustions()).isEqualTo(1);
            }
            assertThat(store.load("x")).isNull();
        }
    }

    @Test
    void theStoreReportsAnAclRefusedLoadAsUnavailableAndLeavesTheSession() {
        SessionStoreConfig admin = new SessionStoreConfig();
        admin.setUri(redis.uri());
        redis.command("ACL", "SETUSER", "rf-app", "on", ">rf-app-pw", "~*", "+@all");
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri("rf-app", "rf-app-pw"));
        try (RedisSessionStore adminStore = new RedisSessionStore(admin, "acl", MutableClock.startingNow());
             RedisSessionStore store = new RedisSessionStore(c, "acl", MutableClock.startingNow())) {
            SessionState s = adminStore.newSession("acl-1", 600);
            s.setAttribute("user", "alice");
            s.save();
            redis.command("ACL", "SETUSER", "rf-app", "-hgetall");
            assertThatThrownBy(() -> store.load("acl-1"))
                    .isInstanceOfSatisfying(SessionStoreException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                    .hasMessageContaining("can't run this command")
                    .hasMessageNotContaining("acl-1");
            assertThat(adminStore.load("acl-1")).isNotNull();
        } finally {
            redis.command("ACL", "DELUSER", "rf-app");
        }
    }
}
