package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.UnifiedJedis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fixtures of the store contract ({@link SessionStoreContract}): a fresh namespace per test,
 * stores that act as nodes, and hooks that read Redis directly, Redis's own clock included.
 */
abstract class StoreContractBase {

    /**
     * Slack for values computed from Redis's clock: the time a test takes between a save and the
     * read that checks it, on a loaded machine. Far below the clock skews the tests play with.
     */
    protected static final long SLACK_MILLIS = 30_000;

    /** The nodes' clock: it measures only how long ago a node's own request accessed a session. */
    protected MutableClock clock;
    protected String namespace;
    private final List<RedisSessionStore> stores = new ArrayList<>();
    protected RedisSessionStore store;

    /** Settings that reach this topology (uri, credentials, TLS trust...). */
    protected abstract SessionStoreConfig config();

    @BeforeEach
    void createStore() {
        clock = MutableClock.startingNow();
        namespace = "t" + UUID.randomUUID().toString().substring(0, 8);
        store = newStore("node-a");
    }

    @AfterEach
    void closeStores() {
        stores.forEach(RedisSessionStore::close);
        stores.clear();
    }

    /** Another node of the same namespace: its own connection pool, same clock. */
    protected RedisSessionStore newStore(String nodeId) {
        return newStore(nodeId, clock, c -> { });
    }

    /** Another node of the same namespace with its own clock and settings. */
    protected RedisSessionStore newStore(String nodeId, Clock nodeClock, Consumer<SessionStoreConfig> settings) {
        SessionStoreConfig c = config();
        c.setNodeId(nodeId);
        c.setAllowedClasses("io.redissessions.core.store.");
        settings.accept(c);
        RedisSessionStore s = new RedisSessionStore(c, namespace, nodeClock);
        stores.add(s);
        return s;
    }

    /** Direct access to Redis for checks, bypassing the store. */
    protected UnifiedJedis raw() {
        return store.connector().client();
    }

    protected Map<String, String> rawHash(String id) {
        return raw().hgetAll(store.keys().sessionKey(id));
    }

    protected static String newId() {
        return UUID.randomUUID().toString().replace("-", "").toUpperCase();
    }

    /** A new random id in the shard of {@code id}, as an id change needs. */
    protected static String newIdInShardOf(String id) {
        return IdsInShard.generate(StoreContractBase::newId, SessionKeys.shardOf(id));
    }

    protected SessionState createSaved(String id, int maxInactiveSeconds, Map<String, Object> attributes) {
        SessionState s = store.newSession(id, maxInactiveSeconds);
        attributes.forEach(s::setAttribute);
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        return s;
    }

    protected static ClassLoader loader() {
        return StoreContractBase.class.getClassLoader();
    }

    protected static List<String> ids(Collection<Claim> claims) {
        return claims.stream().map(Claim::id).toList();
    }

    /** Redis's own clock (TIME), read on the node that holds {@code routingKey}'s slot. */
    protected long redisTimeMillis(String routingKey) {
        Object t = raw().eval("local t = redis.call('TIME') "
                + "return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)", List.of(routingKey), List.of());
        return (Long) t;
    }

    /** Waits until Redis's clock has passed the stored expiry of every one of these sessions. */
    protected void awaitExpiredInRedis(Collection<String> ids) {
        Poll.until(Duration.ofSeconds(30), "Redis's clock passes the sessions' expiry", () -> {
            for (String id : ids) {
                String key = store.keys().sessionKey(id);
                String expiry = raw().hget(key, Fields.EXPIRY);
                if (expiry != null && Long.parseLong(expiry) >= redisTimeMillis(key)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Waits until Redis's clock is at least {@code millis} past what it was at {@code sinceRedisMillis}. */
    protected void awaitRedisTime(String routingKey, long sinceRedisMillis, long millis) {
        Poll.until(Duration.ofSeconds(30), "Redis's clock moves on by " + millis + " ms",
                () -> redisTimeMillis(routingKey) >= sinceRedisMillis + millis);
    }
}
