package io.redissessions.core.store;

import io.redissessions.core.SessionStoreException;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The expiry half of the store contract: expiry is decided by Redis's clock, whatever the nodes'
 * clocks say, and expired sessions are claimed as leases, each by one node at a time, until the
 * claimer finishes. Sessions here expire for real (in a second or two of Redis's time): the nodes'
 * clocks cannot make them expire.
 */
abstract class ExpiryContract extends StoreContractBase {

    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    // ------------------------------------------------------------------ Redis's clock decides

    @Test
    void sessionThatNeverExpiresHasNoTtlAndNoIndexEntry() {
        String id = newId();
        createSaved(id, 0, Map.of("a", 1));
        assertThat(raw().pttl(store.keys().sessionKey(id))).isEqualTo(-1);
        assertThat(raw().zscore(store.keys().indexKeyFor(id), id)).isNull();
        clock.advance(Duration.ofDays(3650));
        assertThat(store.open(id)).isNotNull();
        assertThat(store.load(id).remainingMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(ids(store.claimExpired(100))).doesNotContain(id);
    }

    @Test
    void expiredSessionIsNotOpenedAndNotExtendedBySave() {
        String id = newId();
        createSaved(id, 1, Map.of("a", "x"));
        SessionState stale = store.open(id);
        awaitExpiredInRedis(List.of(id));
        assertThat(store.open(id)).isNull();
        assertThat(store.exists(id)).isFalse();
        StoredSession expired = store.load(id);
        assertThat(expired).isNotNull();
        assertThat(expired.isExpired()).isTrue();
        assertThat(expired.remainingMillis()).isNotPositive();
        stale.setAttribute("a", "y");
        stale.access(clock.millis());
        assertThat(stale.save()).isEqualTo(SaveResult.EXPIRED);
    }

    @Test
    void nodeWithAFastClockNeitherClaimsNorRefusesToSaveNorFailsToOpenASessionWithTimeLeft() {
        RedisSessionStore fast = newStore("fast", new MutableClock(clock.millis() + FIVE_MINUTES.toMillis()), c -> { });
        String id = newId();
        createSaved(id, 180, Map.of("a", "x")); // 3 minutes left by Redis's clock

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(ids(fast.claimExpired(100))).as("claimed by the fast node").doesNotContain(id);
        SessionState onFast = fast.open(id);
        soft.assertThat(onFast).as("opened on the fast node").isNotNull();
        soft.assertThat(fast.exists(id)).as("exists on the fast node").isTrue();
        if (onFast != null) {
            onFast.setAttribute("a", "y");
            soft.assertThat(onFast.save()).as("saved by the fast node").isEqualTo(SaveResult.SAVED);
        }
        soft.assertAll();
        assertThat(store.load(id).remainingMillis()).as("time left by Redis's clock")
                .isBetween(180_000 - SLACK_MILLIS, 180_000L);
    }

    @Test
    void sessionSavedByANodeWithASlowClockIsNotExpiredEarly() {
        RedisSessionStore slow = newStore("slow", new MutableClock(clock.millis() - FIVE_MINUTES.toMillis()), c -> { });
        String id = newId();
        SessionState s = slow.newSession(id, 180);
        s.setAttribute("a", "x");
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        assertThat(ids(store.claimExpired(100))).as("claimed by a node with the right time").doesNotContain(id);
        assertThat(store.open(id)).isNotNull();
        assertThat(store.load(id).remainingMillis()).isBetween(180_000 - SLACK_MILLIS, 180_000L);
    }

    @Test
    void sessionSavedByANodeWithAFastClockExpiresOnTime() {
        RedisSessionStore fast = newStore("fast", new MutableClock(clock.millis() + FIVE_MINUTES.toMillis()), c -> { });
        String id = newId();
        SessionState s = fast.newSession(id, 1);
        s.setAttribute("a", "x");
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        List<String> claimed = new ArrayList<>();
        Poll.until(Duration.ofSeconds(30), "the session is claimed about a second after its save", () -> {
            claimed.addAll(ids(store.claimExpired(100)));
            return !claimed.isEmpty();
        });
        assertThat(claimed).containsExactly(id);
    }

    @Test
    void readOnlyRequestsKeepASessionAliveAndAnIdleNodeClaimsItOnlyWhenTheyStop() {
        String id = newId();
        String key = store.keys().sessionKey(id);
        createSaved(id, 2, Map.of("a", "x")); // touch interval: 0.2 s
        RedisSessionStore idle = newStore("idle-node");
        long firstExpiry = store.load(id).expiryMillis();
        long lastExpiry = firstExpiry;
        for (int round = 0; round < 2; round++) {
            awaitRedisTime(key, lastExpiry - 2_000, 1_000); // a second after the last save
            SessionState s = store.open(id);
            assertThat(s).as("open in round %s", round).isNotNull();
            s.access(clock.millis());
            assertThat(s.save()).as("touch in round %s", round).isEqualTo(SaveResult.SAVED);
            lastExpiry = store.load(id).expiryMillis();
            assertThat(ids(idle.claimExpired(100))).doesNotContain(id);
        }
        assertThat(redisTimeMillis(key)).as("kept alive past its first expiry").isGreaterThanOrEqualTo(firstExpiry);
        awaitExpiredInRedis(List.of(id));
        assertThat(ids(idle.claimExpired(100))).containsExactly(id);
    }

    // ------------------------------------------------------------------ claims are leases

    @Test
    void expiredSessionIsClaimedOnceAndStaysReadableUntilTheClaimIsFinished() {
        String id = newId();
        createSaved(id, 1, Map.of("a", "x"));
        String alive = newId();
        createSaved(alive, 6000, Map.of("a", "y"));
        awaitExpiredInRedis(List.of(id));

        List<Claim> claims = store.claimExpired(100);
        assertThat(ids(claims)).containsExactly(id);
        Claim claim = claims.get(0);
        assertThat(claim.version()).isEqualTo(store.load(id).version());
        assertThat(claim.leaseUntilMillis()).isGreaterThan(store.load(id).redisTimeMillis());
        StoredSession data = store.load(id);
        assertThat(data).isNotNull();
        assertThat(data.attributes()).containsKey("a");
        assertThat(raw().zscore(store.keys().claimedKeyFor(id), id)).isEqualTo((double) claim.leaseUntilMillis());
        assertThat(raw().zscore(store.keys().indexKeyFor(id), id)).isNull();
        assertThat(newStore("node-b").claimExpired(100)).isEmpty();

        assertThat(store.finishClaim(claim)).isTrue();
        assertThat(store.load(id)).isNull();
        assertThat(raw().zscore(store.keys().claimedKeyFor(id), id)).isNull();
        assertThat(store.finishClaim(claim)).isFalse();
        assertThat(store.open(alive)).isNotNull();
    }

    @Test
    void claimedSessionOpensWithItsAttributesForTheListeners() {
        String id = newId();
        createSaved(id, 1, Map.of("a", "x"));
        awaitExpiredInRedis(List.of(id));
        assertThat(store.open(id)).isNull();

        List<Claim> claims = store.claimExpired(100);
        assertThat(ids(claims)).containsExactly(id);
        SessionState claimed = store.openClaimed(claims.get(0));
        assertThat(claimed).isNotNull();
        assertThat(claimed.getAttribute("a", loader())).isEqualTo("x");
        assertThat(store.finishClaim(claims.get(0))).isTrue();
        assertThat(store.openClaimed(claims.get(0))).isNull();
    }

    @Test
    void claimThatIsNeverFinishedIsTakenBackByAnotherNodeAfterItsLease() {
        RedisSessionStore a = newStore("node-a", clock, c -> c.setExpiryClaimLeaseSeconds(1));
        RedisSessionStore b = newStore("node-b", clock, c -> c.setExpiryClaimLeaseSeconds(1));
        String id = newId();
        createSaved(id, 1, Map.of("a", "x"));
        awaitExpiredInRedis(List.of(id));
        assertThat(ids(a.claimExpired(100))).containsExactly(id); // node A claims, then dies
        assertThat(b.claimExpired(100)).as("while A's lease runs").isEmpty();

        List<Claim> taken = new ArrayList<>();
        Poll.until(Duration.ofSeconds(30), "node B takes back the claim of a dead node", () -> {
            taken.addAll(b.claimExpired(100));
            return !taken.isEmpty();
        });
        assertThat(ids(taken)).containsExactly(id);
        assertThat(b.openClaimed(taken.get(0)).getAttribute("a", loader())).isEqualTo("x");
        assertThat(b.finishClaim(taken.get(0))).isTrue();
        assertThat(newStore("node-c", clock, c -> c.setExpiryClaimLeaseSeconds(1)).claimExpired(100)).isEmpty();
        assertThat(store.load(id)).isNull();
    }

    @Test
    void aFailingShardCostsTheOtherShardsNothing() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = newId();
            ids.add(id);
            createSaved(id, 1, Map.of("n", i));
        }
        awaitExpiredInRedis(ids);
        List<Integer> shards = ids.stream().map(SessionKeys::shardOf).distinct().sorted().toList();
        int broken = shards.get(shards.size() / 2);
        String brokenIndex = store.keys().indexKey(broken);
        raw().del(brokenIndex);
        raw().set(brokenIndex, "not an index");
        List<String> others = ids.stream().filter(id -> SessionKeys.shardOf(id) != broken).toList();

        Map<Integer, SessionStoreException> failures = new LinkedHashMap<>();
        List<String> claimed = new ArrayList<>(ids(store.claimExpired(100, failures::put)));
        assertThat(claimed).as("claimed while shard %s fails", broken).containsExactlyInAnyOrderElementsOf(others);
        assertThat(failures).containsOnlyKeys(broken);
        assertThat(failures.get(broken)).hasMessageContaining("shard " + broken);

        failures.clear();
        assertThat(store.claimExpired(100, failures::put)).as("a second pass while the leases run").isEmpty();
        assertThat(failures).containsOnlyKeys(broken);
    }

    @Test
    void passWhoseEveryShardFailsThrows() {
        for (int shard = 0; shard < SessionKeys.SHARDS; shard++) {
            raw().set(store.keys().indexKey(shard), "not an index");
        }
        assertThatThrownBy(() -> store.claimExpired(100)).isInstanceOf(SessionStoreException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(SessionKeys.SHARDS - 1));
    }

    @Test
    void finishingAClaimDoesNotDeleteASessionRecreatedMeanwhile() {
        String id = newId();
        createSaved(id, 1, Map.of("a", "old"));
        awaitExpiredInRedis(List.of(id));
        List<Claim> claims = store.claimExpired(100);
        assertThat(ids(claims)).containsExactly(id);

        // another node invalidates it and a new session takes the same id (version 1 again)
        RedisSessionStore b = newStore("node-b");
        assertThat(b.delete(id)).isTrue();
        SessionState again = b.newSession(id, 600);
        again.setAttribute("a", "new");
        assertThat(again.save()).isEqualTo(SaveResult.SAVED);
        assertThat(store.load(id).version()).isEqualTo(claims.get(0).version());

        assertThat(store.finishClaim(claims.get(0))).isFalse();
        assertThat(store.open(id).getAttribute("a", loader())).isEqualTo("new");
        assertThat(raw().zscore(store.keys().indexKeyFor(id), id)).isEqualTo((double) store.load(id).expiryMillis());
        assertThat(raw().zscore(store.keys().claimedKeyFor(id), id)).isNull();
    }

    @Test
    void finishingAClaimDoesNotDeleteASessionChangedSinceTheClaimButClaimsItAgain() {
        String id = newId();
        createSaved(id, 1, Map.of("a", "x"));
        awaitExpiredInRedis(List.of(id));
        List<Claim> claims = store.claimExpired(100);
        assertThat(ids(claims)).containsExactly(id);
        raw().hincrBy(store.keys().sessionKey(id), Fields.VERSION, 1); // written by someone meanwhile

        assertThat(store.finishClaim(claims.get(0))).isFalse();
        assertThat(store.load(id)).isNotNull();
        List<Claim> again = store.claimExpired(100);
        assertThat(ids(again)).containsExactly(id);
        assertThat(again.get(0).version()).isEqualTo(claims.get(0).version() + 1);
        assertThat(store.finishClaim(again.get(0))).isTrue();
    }

    @Test
    void concurrentClaimersGetEveryExpiredSessionOnceAndNothingTwiceWhileTheLeasesRun() throws Exception {
        int sessions = 120;
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < sessions; i++) {
            String id = newId();
            ids.add(id);
            createSaved(id, 1, Map.of("n", i));
        }
        awaitExpiredInRedis(ids);
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
                    List<Claim> batch;
                    do {
                        batch = node.claimExpired(7);
                        mine.addAll(ids(batch));
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
            for (RedisSessionStore node : nodes) {
                assertThat(node.claimExpired(1000)).as("claimed again while the leases run").isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
