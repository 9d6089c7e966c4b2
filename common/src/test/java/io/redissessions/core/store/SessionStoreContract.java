package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store contract: every topology runs these against a real Redis. Subclasses say how to
 * reach their deployment; the hooks read Redis directly to check what was written.
 */
public abstract class SessionStoreContract {

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
        SessionStoreConfig c = config();
        c.setNodeId(nodeId);
        c.setAllowedClasses("io.redissessions.core.store.");
        RedisSessionStore s = new RedisSessionStore(c, namespace, clock);
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

    protected SessionState createSaved(String id, int maxInactiveSeconds, Map<String, Object> attributes) {
        SessionState s = store.newSession(id, maxInactiveSeconds);
        attributes.forEach(s::setAttribute);
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        return s;
    }

    protected static ClassLoader loader() {
        return SessionStoreContract.class.getClassLoader();
    }

    // ------------------------------------------------------------------ load and save

    @Test
    void newSessionIsStoredAndLoadedWithItsMetadata() {
        String id = newId();
        long created = clock.millis();
        createSaved(id, 1800, Map.of("user", "alice", "count", 3));

        StoredSession loaded = store.load(id);
        assertThat(loaded).isNotNull();
        assertThat(loaded.createdMillis()).isEqualTo(created);
        assertThat(loaded.accessedMillis()).isEqualTo(created);
        assertThat(loaded.maxInactiveSeconds()).isEqualTo(1800);
        assertThat(loaded.expiryMillis()).isEqualTo(created + 1_800_000);
        assertThat(loaded.node()).isEqualTo("node-a");
        assertThat(loaded.version()).isEqualTo(1);
        assertThat(loaded.attributes()).containsOnlyKeys("user", "count");

        SessionState state = store.open(id);
        assertThat(state.getAttribute("user", loader())).isEqualTo("alice");
        assertThat(state.getAttribute("count", loader())).isEqualTo(3);
        assertThat(rawHash(id)).containsEntry("#fmt", "1").containsKeys("#created", "#accessed", "#expiry", "a:user");
    }

    @Test
    void missingSessionLoadsAsNull() {
        assertThat(store.load(newId())).isNull();
        assertThat(store.open(newId())).isNull();
        assertThat(store.exists(newId())).isFalse();
    }

    @Test
    void keyTtlIsExpiryPlusGraceAndIndexHoldsExpiry() {
        String id = newId();
        createSaved(id, 600, Map.of("a", 1));
        long expiry = clock.millis() + 600_000;
        long pttl = raw().pttl(store.keys().sessionKey(id));
        long expectedExpireAt = expiry + store.graceMillis();
        long realNow = System.currentTimeMillis();
        assertThat(realNow + pttl).isBetween(expectedExpireAt - 5_000, expectedExpireAt + 5_000);
        assertThat(raw().zscore(store.keys().indexKeyFor(id), id)).isEqualTo((double) expiry);
    }

    @Test
    void sessionThatNeverExpiresHasNoTtlAndNoIndexEntry() {
        String id = newId();
        createSaved(id, 0, Map.of("a", 1));
        assertThat(raw().pttl(store.keys().sessionKey(id))).isEqualTo(-1);
        assertThat(raw().zscore(store.keys().indexKeyFor(id), id)).isNull();
        clock.advance(Duration.ofDays(3650));
        assertThat(store.open(id)).isNotNull();
        assertThat(store.claimExpired(100)).doesNotContain(id);
    }

    @Test
    void keysOfOneSessionShareOneClusterSlot() {
        String id = newId();
        String sessionKey = store.keys().sessionKey(id);
        String indexKey = store.keys().indexKeyFor(id);
        assertThat(JedisClusterCRC16.getSlot(sessionKey)).isEqualTo(JedisClusterCRC16.getSlot(indexKey));
        assertThat(sessionKey).startsWith("rs:{" + namespace + ":").endsWith(":s:" + id);
    }

    @Test
    void attributesStayEncodedUntilAskedFor() {
        String id = newId();
        Map<String, Object> attrs = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            attrs.put("bean" + i, new CountingBean("v" + i));
        }
        createSaved(id, 600, attrs);
        int before = CountingBean.DECODED.get();
        SessionState s = store.open(id);
        assertThat(s.attributeNames()).hasSize(5);
        assertThat(CountingBean.DECODED.get()).isEqualTo(before);
        assertThat(((CountingBean) s.getAttribute("bean3", loader())).getValue()).isEqualTo("v3");
        assertThat(CountingBean.DECODED.get()).isEqualTo(before + 1);
    }

    @Test
    void saveWithoutChangesWritesNothing() {
        String id = newId();
        createSaved(id, 600, Map.of("a", "x"));
        SessionState s = store.open(id);
        s.getAttribute("a", loader());
        s.access(clock.millis() + 1000);
        long versionBefore = store.load(id).version();
        assertThat(s.save()).isNull();
        assertThat(store.load(id).version()).isEqualTo(versionBefore);
    }

    @Test
    void objectChangedInPlaceIsSaved() {
        String id = newId();
        createSaved(id, 600, Map.of("cart", new ArrayList<>(List.of("apple"))));
        SessionState s = store.open(id);
        @SuppressWarnings("unchecked")
        List<String> cart = (List<String>) s.getAttribute("cart", loader());
        cart.add("pear");
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        assertThat(store.open(id).getAttribute("cart", loader())).isEqualTo(List.of("apple", "pear"));
    }

    @Test
    void twoNodesChangingDifferentAttributesBothKeepTheirChange() {
        String id = newId();
        createSaved(id, 600, Map.of("a", "0", "b", "0"));
        RedisSessionStore nodeB = newStore("node-b");
        SessionState onA = store.open(id);
        SessionState onB = nodeB.open(id);
        onA.getAttribute("a", loader());
        onB.getAttribute("b", loader());
        onA.setAttribute("a", "set by A");
        onB.setAttribute("b", "set by B");
        assertThat(onA.save()).isEqualTo(SaveResult.SAVED);
        assertThat(onB.save()).isEqualTo(SaveResult.SAVED);
        SessionState after = store.open(id);
        assertThat(after.getAttribute("a", loader())).isEqualTo("set by A");
        assertThat(after.getAttribute("b", loader())).isEqualTo("set by B");
    }

    @Test
    void removedAttributeIsDeletedFromRedis() {
        String id = newId();
        createSaved(id, 600, Map.of("a", "x", "b", "y"));
        SessionState s = store.open(id);
        s.removeAttribute("a");
        assertThat(s.attributeNames()).containsExactly("b");
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        assertThat(rawHash(id)).doesNotContainKey("a:a").containsKey("a:b");
    }

    @Test
    void sessionDeletedByAnotherNodeIsNotRecreatedBySave() {
        String id = newId();
        createSaved(id, 600, Map.of("a", "x"));
        SessionState s = store.open(id);
        // the race, made deterministic: another node invalidates between this node's load and save
        assertThat(newStore("node-b").delete(id)).isTrue();
        s.setAttribute("a", "late write");
        assertThat(s.save()).isEqualTo(SaveResult.GONE);
        assertThat(raw().exists(store.keys().sessionKey(id))).isFalse();
        assertThat(raw().zscore(store.keys().indexKeyFor(id), id)).isNull();
    }

    @Test
    void expiredSessionIsNotOpenedAndNotExtendedBySave() {
        String id = newId();
        createSaved(id, 60, Map.of("a", "x"));
        SessionState stale = store.open(id);
        clock.advance(Duration.ofSeconds(61));
        assertThat(store.open(id)).isNull();
        assertThat(store.exists(id)).isFalse();
        StoredSession expired = store.load(id);
        assertThat(expired).isNotNull();
        assertThat(expired.isExpiredAt(clock.millis())).isTrue();
        stale.setAttribute("a", "y");
        stale.access(clock.millis());
        assertThat(stale.save()).isEqualTo(SaveResult.EXPIRED);
    }

    @Test
    void newSessionWithTakenIdIsRefused() {
        String id = newId();
        createSaved(id, 600, Map.of("a", "x"));
        SessionState again = store.newSession(id, 600);
        again.setAttribute("a", "intruder");
        assertThat(again.save()).isEqualTo(SaveResult.ID_TAKEN);
        assertThat(store.open(id).getAttribute("a", loader())).isEqualTo("x");
    }

    @Test
    void deleteRemovesSessionAndIndexEntry() {
        String id = newId();
        createSaved(id, 600, Map.of("a", "x"));
        assertThat(store.exists(id)).isTrue();
        assertThat(store.delete(id)).isTrue();
        assertThat(store.exists(id)).isFalse();
        assertThat(raw().zscore(store.keys().indexKeyFor(id), id)).isNull();
        assertThat(store.delete(id)).isFalse();
    }

    // ------------------------------------------------------------------ touch throttling

    @Test
    void readOnlyRequestWritesAccessTimeOnlyAfterTheTouchInterval() {
        String id = newId();
        createSaved(id, 1000, Map.of("a", "x")); // default touchIntervalFraction 0.1 -> 100 s
        long stored = store.load(id).accessedMillis();

        clock.advance(Duration.ofSeconds(99));
        SessionState early = store.open(id);
        early.access(clock.millis());
        assertThat(early.save()).isNull();
        assertThat(store.load(id).accessedMillis()).isEqualTo(stored);

        clock.advance(Duration.ofSeconds(2));
        SessionState late = store.open(id);
        late.access(clock.millis());
        assertThat(late.save()).isEqualTo(SaveResult.SAVED);
        StoredSession after = store.load(id);
        assertThat(after.accessedMillis()).isEqualTo(clock.millis());
        assertThat(after.expiryMillis()).isEqualTo(clock.millis() + 1_000_000);
        assertThat(raw().zscore(store.keys().indexKeyFor(id), id)).isEqualTo((double) after.expiryMillis());
    }

    @Test
    void changedMaxInactiveIntervalIsWrittenAtOnce() {
        String id = newId();
        createSaved(id, 1000, Map.of());
        SessionState s = store.open(id);
        s.setMaxInactiveSeconds(30);
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        assertThat(store.load(id).expiryMillis()).isEqualTo(clock.millis() + 30_000);
    }

    // ------------------------------------------------------------------ id change

    @Test
    void changeIdKeepsDataTtlAndExpiry() {
        String oldId = newId();
        createSaved(oldId, 600, Map.of("a", "x"));
        long ttlBefore = raw().pttl(store.keys().sessionKey(oldId));
        // a new id in another shard, so that on Cluster the two keys are in different slots
        String newId;
        do {
            newId = newId();
        } while (SessionKeys.shardOf(newId) == SessionKeys.shardOf(oldId));

        assertThat(store.changeId(oldId, newId)).isTrue();

        assertThat(store.load(oldId)).isNull();
        assertThat(raw().zscore(store.keys().indexKeyFor(oldId), oldId)).isNull();
        SessionState moved = store.open(newId);
        assertThat(moved.getAttribute("a", loader())).isEqualTo("x");
        assertThat(raw().pttl(store.keys().sessionKey(newId))).isBetween(ttlBefore - 10_000, ttlBefore);
        assertThat(raw().zscore(store.keys().indexKeyFor(newId), newId))
                .isEqualTo((double) store.load(newId).expiryMillis());
        moved.setAttribute("b", "y");
        assertThat(moved.save()).isEqualTo(SaveResult.SAVED);
    }

    @Test
    void changeIdOfMissingSessionReturnsFalseAndToTakenIdFails() {
        assertThat(store.changeId(newId(), newId())).isFalse();
        String a = newId();
        String b = newId();
        createSaved(a, 600, Map.of("who", "a"));
        createSaved(b, 600, Map.of("who", "b"));
        assertThatThrownBy(() -> store.changeId(a, b)).isInstanceOf(SessionStoreException.class)
                .hasMessageContaining("already taken");
        assertThat(store.open(b).getAttribute("who", loader())).isEqualTo("b");
        assertThat(store.open(a).getAttribute("who", loader())).isEqualTo("a");
    }

    // ------------------------------------------------------------------ expiry claims

    @Test
    void expiredSessionIsClaimedOnceAndStaysReadableForTheClaimer() {
        String id = newId();
        createSaved(id, 60, Map.of("a", "x"));
        String alive = newId();
        createSaved(alive, 6000, Map.of("a", "y"));
        clock.advance(Duration.ofSeconds(61));

        assertThat(store.claimExpired(100)).containsExactly(id);
        StoredSession data = store.load(id);
        assertThat(data).isNotNull();
        assertThat(data.attributes()).containsKey("a");
        assertThat(newStore("node-b").claimExpired(100)).isEmpty();
        assertThat(store.delete(id)).isTrue();
    }

    @Test
    void claimedSessionOpensWithItsAttributesForTheListeners() {
        String id = newId();
        createSaved(id, 60, Map.of("a", "x"));
        clock.advance(Duration.ofSeconds(61));
        assertThat(store.open(id)).isNull();

        assertThat(store.claimExpired(100)).containsExactly(id);
        SessionState claimed = store.openClaimed(id);
        assertThat(claimed).isNotNull();
        assertThat(claimed.getAttribute("a", loader())).isEqualTo("x");
        assertThat(store.delete(id)).isTrue();
        assertThat(store.openClaimed(id)).isNull();
    }

    @Test
    void sessionKeptAliveOnOneNodeIsNotClaimedByAnIdleNode() {
        String id = newId();
        createSaved(id, 100, Map.of("a", "x"));
        RedisSessionStore idle = newStore("idle-node");
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(60));
            SessionState s = store.open(id);
            assertThat(s).isNotNull();
            s.access(clock.millis());
            assertThat(s.save()).isEqualTo(SaveResult.SAVED);
            assertThat(idle.claimExpired(100)).doesNotContain(id);
        }
        clock.advance(Duration.ofSeconds(101));
        assertThat(idle.claimExpired(100)).containsExactly(id);
    }

    @Test
    void concurrentClaimersGetEveryExpiredSessionExactlyOnce() throws Exception {
        int sessions = 120;
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < sessions; i++) {
            String id = newId();
            ids.add(id);
            createSaved(id, 30, Map.of("n", i));
        }
        clock.advance(Duration.ofSeconds(31));
        int claimers = 4;
        List<RedisSessionStore> nodes = new ArrayList<>();
        for (int i = 0; i < claimers; i++) {
            nodes.add(newStore("claimer-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (RedisSessionStore node : nodes) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    List<String> batch;
                    do {
                        batch = node.claimExpired(7);
                        mine.addAll(batch);
                    } while (!batch.isEmpty());
                    return mine;
                }));
            }
            start.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : results) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(sessions).doesNotHaveDuplicates();
            assertThat(new HashSet<>(all)).isEqualTo(ids);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ round trips

    @Test
    void roundTripsPerOperationAreAsDocumented() {
        StoreMetrics m = store.metrics();
        String id = newId();

        long before = m.getRoundTrips();
        SessionState created = store.newSession(id, 600);
        created.setAttribute("a", "x");
        created.save();
        long newSession = m.getRoundTrips() - before;

        before = m.getRoundTrips();
        SessionState s = store.open(id);
        long load = m.getRoundTrips() - before;

        before = m.getRoundTrips();
        s.getAttribute("a", loader());
        s.save();
        long unchanged = m.getRoundTrips() - before;

        before = m.getRoundTrips();
        s.setAttribute("a", "changed");
        s.save();
        long changed = m.getRoundTrips() - before;

        // the first script call on a fresh server may need EVAL after NOSCRIPT; later ones are EVALSHA
        assertThat(newSession).isBetween(1L, 2L);
        assertThat(load).isEqualTo(1);
        assertThat(unchanged).isZero();
        assertThat(changed).isEqualTo(1);
        assertThat(m.getSkippedWrites()).isEqualTo(1);
    }
}
