package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.session.SessionService;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RecordingLog;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store contract: every topology runs these against a real Redis. Subclasses say how to
 * reach their deployment; the hooks read Redis directly to check what was written. The expiry
 * half is in {@link ExpiryContract}, the fixtures in {@link StoreContractBase}.
 */
public abstract class SessionStoreContract extends ExpiryContract {

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
        assertThat(loaded.remainingMillis()).as("expiry, on Redis's clock").isBetween(1_800_000 - SLACK_MILLIS, 1_800_000L);
        assertThat(loaded.isExpired()).isFalse();
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
        String key = store.keys().sessionKey(id);
        long expiry = store.load(id).expiryMillis();
        long pttl = raw().pttl(key);
        long redisNow = redisTimeMillis(key);
        assertThat(redisNow + pttl).isBetween(expiry + store.graceMillis() - 2_000, expiry + store.graceMillis() + 2_000);
        assertThat(raw().zscore(store.keys().indexKeyFor(id), id)).isEqualTo((double) expiry);
    }

    @Test
    void keysOfOneSessionShareOneClusterSlot() {
        String id = newId();
        String sessionKey = store.keys().sessionKey(id);
        int slot = JedisClusterCRC16.getSlot(sessionKey);
        assertThat(JedisClusterCRC16.getSlot(store.keys().indexKeyFor(id))).isEqualTo(slot);
        assertThat(JedisClusterCRC16.getSlot(store.keys().claimedKeyFor(id))).isEqualTo(slot);
        assertThat(JedisClusterCRC16.getSlot(store.keys().sessionKey(newIdInShardOf(id)))).isEqualTo(slot);
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
    void readOnlyRequestDoesNotRewriteAValueStoredInAnotherOrder() {
        String id = newId();
        Set<String> days = new HashSet<>(List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                "sunday"));
        createSaved(id, 600, Map.of("days", days));
        // the same set as another JVM might have written it: same elements, another order
        List<String> reversed = new ArrayList<>(days);
        Collections.reverse(reversed);
        byte[] linked = store.codec().encode("days", new LinkedHashSet<>(reversed));
        byte[] json = new String(linked, 3, linked.length - 3, StandardCharsets.UTF_8)
                .replace("java.util.LinkedHashSet", "java.util.HashSet").getBytes(StandardCharsets.UTF_8);
        byte[] value = Arrays.copyOf(linked, 3 + json.length);
        System.arraycopy(json, 0, value, 3, json.length);
        assertThat(value).as("precondition: the stored bytes differ from this JVM's encoding")
                .isNotEqualTo(store.codec().encode("days", days));
        raw().hset(store.keys().sessionKey(id).getBytes(StandardCharsets.UTF_8),
                "a:days".getBytes(StandardCharsets.UTF_8), value);
        long version = store.load(id).version();

        SessionState reader = store.open(id);
        assertThat(reader.getAttribute("days", loader())).isEqualTo(days);
        assertThat(reader.save()).as("a save of a request that only read it").isNull();
        assertThat(store.load(id).version()).isEqualTo(version);
        assertThat(store.load(id).attributes().get("days")).isEqualTo(value);

        SessionState changer = store.open(id);
        @SuppressWarnings("unchecked")
        Set<String> inPlace = (Set<String>) changer.getAttribute("days", loader());
        inPlace.add("someday");
        assertThat(changer.save()).isEqualTo(SaveResult.SAVED);
        assertThat(store.open(id).getAttribute("days", loader()))
                .asInstanceOf(InstanceOfAssertFactories.collection(String.class)).contains("someday");
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
    void sessionWithTenThousandAttributesIsSavedLoadedChangedAndTrimmed() {
        String id = newId();
        Map<String, Object> attrs = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            attrs.put("attr" + i, "value" + i);
        }
        createSaved(id, 600, attrs);
        SessionState s = store.open(id);
        assertThat(s.attributeNames()).hasSize(10_000);
        for (int i = 0; i < 5_000; i++) {
            s.setAttribute("attr" + i, "changed" + i);
        }
        for (int i = 5_000; i < 9_000; i++) {
            s.removeAttribute("attr" + i);
        }
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        SessionState after = store.open(id);
        assertThat(after.attributeNames()).hasSize(6_000);
        assertThat(after.getAttribute("attr0", loader())).isEqualTo("changed0");
        assertThat(after.getAttribute("attr4999", loader())).isEqualTo("changed4999");
        assertThat(after.getAttribute("attr5000", loader())).isNull();
        assertThat(after.getAttribute("attr9999", loader())).isEqualTo("value9999");
        assertThat(rawHash(id).keySet().stream().filter(f -> f.startsWith("a:"))).hasSize(6_000);
    }

    @Test
    void scriptErrorOfASaveSurfacesAsAnExceptionNamingTheSave() {
        String id = newId();
        createSaved(id, 600, Map.of("a", "x"));
        SessionState s = store.open(id);
        raw().del(store.keys().sessionKey(id));
        raw().set(store.keys().sessionKey(id), "not a session");
        s.setAttribute("a", "y");
        assertThatThrownBy(s::save).isInstanceOf(SessionStoreException.class).hasMessageContaining("save");
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

    @Test
    void sessionWrittenByThePreviousSaveScriptLoadsSavesAndExpires() throws IOException {
        String id = newId();
        long now = System.currentTimeMillis();
        saveWithThePreviousScript(id, now, now + 600_000, Map.of("a:user", encoded("alice")));
        SessionState s = store.open(id);
        assertThat(s).isNotNull();
        assertThat(s.getAttribute("user", loader())).isEqualTo("alice");
        s.setAttribute("cart", "apple");
        s.access(clock.millis());
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        StoredSession after = store.load(id);
        assertThat(after.attributes()).containsOnlyKeys("user", "cart");
        assertThat(after.remainingMillis()).isBetween(600_000 - SLACK_MILLIS, 600_000 + SLACK_MILLIS);

        String expired = newId();
        saveWithThePreviousScript(expired, now - 10_000, now - 5_000, Map.of("a:user", encoded("bob")));
        assertThat(store.open(expired)).isNull();
        List<Claim> claims = store.claimExpired(100);
        assertThat(ids(claims)).containsExactly(expired);
        assertThat(store.openClaimed(claims.get(0)).getAttribute("user", loader())).isEqualTo("bob");
        assertThat(store.finishClaim(claims.get(0))).isTrue();
    }

    /** A string attribute value as text (its encoded bytes are ASCII). */
    private String encoded(String value) {
        return new String(store.codec().encode("user", value), StandardCharsets.ISO_8859_1);
    }

    /** What a node running the previous version wrote: its save script, its arguments, its clock. */
    private void saveWithThePreviousScript(String id, long accessed, long expiry, Map<String, String> attributes)
            throws IOException {
        String script;
        try (InputStream in = SessionStoreContract.class.getResourceAsStream("save-before-issue-9.lua")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> fields = new HashMap<>(attributes);
        fields.put("#fmt", "1");
        fields.put("#created", Long.toString(accessed));
        fields.put("#accessed", Long.toString(accessed));
        fields.put("#maxInactive", Long.toString((expiry - accessed) / 1000));
        fields.put("#expiry", Long.toString(expiry));
        fields.put("#node", "old-node");
        List<String> args = new ArrayList<>(List.of("c", id, Long.toString(accessed), Long.toString(expiry),
                Long.toString(expiry + store.graceMillis()), Integer.toString(fields.size())));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        args.add("0");
        Object r = raw().eval(script, List.of(store.keys().sessionKey(id), store.keys().indexKeyFor(id)), args);
        assertThat(r).isEqualTo(1L);
    }

    // ------------------------------------------------------------------ access time, expiry, touch

    @Test
    void readOnlyRequestWritesAccessTimeOnlyAfterTheTouchInterval() {
        String id = newId();
        createSaved(id, 1000, Map.of("a", "x")); // default touchIntervalFraction 0.1 -> 100 s
        StoredSession stored = store.load(id);

        SessionState early = store.open(id);
        clock.advance(Duration.ofSeconds(90)); // measured by this node since its load
        early.access(clock.millis());
        assertThat(early.save()).isNull();
        assertThat(store.load(id).accessedMillis()).isEqualTo(stored.accessedMillis());
        assertThat(store.load(id).version()).isEqualTo(stored.version());

        SessionState late = store.open(id);
        clock.advance(Duration.ofSeconds(101));
        late.access(clock.millis());
        assertThat(late.save()).isEqualTo(SaveResult.SAVED);
        StoredSession after = store.load(id);
        assertThat(after.accessedMillis()).isEqualTo(clock.millis());
        assertThat(after.remainingMillis()).isBetween(1_000_000 - SLACK_MILLIS, 1_000_000L);
        assertThat(raw().zscore(store.keys().indexKeyFor(id), id)).isEqualTo((double) after.expiryMillis());
    }

    @Test
    void changedMaxInactiveIntervalIsWrittenAtOnceEvenIfItShortensTheSession() {
        String id = newId();
        createSaved(id, 1000, Map.of());
        SessionState s = store.open(id);
        s.setMaxInactiveSeconds(30);
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        StoredSession after = store.load(id);
        assertThat(after.maxInactiveSeconds()).isEqualTo(30);
        assertThat(after.remainingMillis()).isBetween(30_000 - SLACK_MILLIS, 30_000L);
    }

    @Test
    void aLateSaveOfALongRequestDoesNotMoveAccessOrExpiryBack() {
        String id = newId();
        createSaved(id, 1800, Map.of("a", "x"));
        SessionState longRequest = store.open(id);
        longRequest.access(clock.millis());
        clock.advance(Duration.ofMinutes(9));
        SessionState laterRequest = store.open(id);
        laterRequest.access(clock.millis());
        laterRequest.setAttribute("b", "z");
        assertThat(laterRequest.save()).isEqualTo(SaveResult.SAVED);
        StoredSession afterLater = store.load(id);

        longRequest.setAttribute("a", "y"); // started 9 minutes earlier, saves last
        assertThat(longRequest.save()).isEqualTo(SaveResult.SAVED);

        StoredSession afterLong = store.load(id);
        assertThat(afterLong.attributes()).containsKeys("a", "b");
        assertThat(afterLong.accessedMillis()).isEqualTo(afterLater.accessedMillis());
        assertThat(afterLong.expiryMillis()).isEqualTo(afterLater.expiryMillis());
        assertThat(raw().zscore(store.keys().indexKeyFor(id), id)).isEqualTo((double) afterLater.expiryMillis());
        assertThat(raw().pttl(store.keys().sessionKey(id)) + redisTimeMillis(store.keys().sessionKey(id)))
                .isGreaterThan(afterLater.expiryMillis() + store.graceMillis() - 2_000);
    }

    // ------------------------------------------------------------------ id change

    @Test
    void changeIdKeepsDataTtlAndExpiry() {
        String oldId = newId();
        createSaved(oldId, 600, Map.of("a", "x"));
        long ttlBefore = raw().pttl(store.keys().sessionKey(oldId));
        long expiryBefore = store.load(oldId).expiryMillis();
        String newId = newIdInShardOf(oldId);

        assertThat(store.changeId(oldId, newId)).isTrue();

        assertThat(store.load(oldId)).isNull();
        assertThat(raw().zscore(store.keys().indexKeyFor(oldId), oldId)).isNull();
        SessionState moved = store.open(newId);
        assertThat(moved.getAttribute("a", loader())).isEqualTo("x");
        assertThat(raw().pttl(store.keys().sessionKey(newId))).isBetween(ttlBefore - 10_000, ttlBefore);
        assertThat(store.load(newId).expiryMillis()).isEqualTo(expiryBefore);
        assertThat(raw().zscore(store.keys().indexKeyFor(newId), newId)).isEqualTo((double) expiryBefore);
        moved.setAttribute("b", "y");
        assertThat(moved.save()).isEqualTo(SaveResult.SAVED);
    }

    @Test
    void changeIdOfMissingSessionReturnsFalseAndToTakenIdFails() {
        String missing = newId();
        assertThat(store.changeId(missing, newIdInShardOf(missing))).isFalse();
        String a = newId();
        String b = newIdInShardOf(a);
        createSaved(a, 600, Map.of("who", "a"));
        createSaved(b, 600, Map.of("who", "b"));
        assertThatThrownBy(() -> store.changeId(a, b)).isInstanceOf(SessionStoreException.class)
                .hasMessageContaining("already taken");
        assertThat(store.open(b).getAttribute("who", loader())).isEqualTo("b");
        assertThat(store.open(a).getAttribute("who", loader())).isEqualTo("a");
    }

    @Test
    void changeIdToAnIdOfAnotherShardIsRefusedAndChangesNothing() {
        String oldId = newId();
        createSaved(oldId, 600, Map.of("a", "x"));
        String other;
        do {
            other = newId();
        } while (SessionKeys.shardOf(other) == SessionKeys.shardOf(oldId));
        String otherShard = other;
        assertThatThrownBy(() -> store.changeId(oldId, otherShard)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shard").hasMessageContaining("IdsInShard")
                .hasMessageNotContaining(oldId).hasMessageNotContaining(otherShard);
        assertThat(store.load(otherShard)).isNull();
        assertThat(store.open(oldId).getAttribute("a", loader())).isEqualTo("x");
    }

    @Test
    void invalidationRacingAnIdChangeIsNeverUndone() {
        // invalidated first: the change finds nothing, and nothing comes back under either id
        String first = newId();
        createSaved(first, 600, Map.of("user", "alice"));
        String firstNew = newIdInShardOf(first);
        assertThat(newStore("node-b").delete(first)).isTrue();
        assertThat(store.changeId(first, firstNew)).isFalse();
        assertThat(store.load(first)).isNull();
        assertThat(store.load(firstNew)).isNull();

        // changed first: the invalidating node finds the session under its new id only, and deletes it there
        String second = newId();
        createSaved(second, 600, Map.of("user", "bob"));
        String secondNew = newIdInShardOf(second);
        assertThat(store.changeId(second, secondNew)).isTrue();
        RedisSessionStore b = newStore("node-b");
        assertThat(b.delete(second)).isFalse();
        assertThat(b.delete(secondNew)).isTrue();
        assertThat(store.load(second)).isNull();
        assertThat(store.load(secondNew)).isNull();
        assertThat(store.changeId(secondNew, newIdInShardOf(secondNew))).isFalse();
    }

    @Test
    void expiredSessionCannotChangeItsId() {
        String id = newId();
        createSaved(id, 1, Map.of("a", "x"));
        awaitExpiredInRedis(List.of(id));
        String newId = newIdInShardOf(id);
        assertThat(store.changeId(id, newId)).isFalse();
        assertThat(store.load(newId)).isNull();
        assertThat(store.load(id)).isNotNull(); // left for its claimer and its listeners
    }

    // ------------------------------------------------------------------ locks (lockingMode) and the near cache

    @Test
    void aLockIsTakenWithTheLoadHeldAgainstOtherNodesAndReleasedByTheSave() {
        String id = newId();
        createSaved(id, 600, Map.of("n", 1));
        String lockKey = store.keys().lockKey(id);
        SessionLock lock = store.locks().newLock(id);

        LockAttempt taken = store.locks().lockAndLoad(lock, 30_000);
        assertThat(taken.outcome()).isEqualTo(LockAttempt.Outcome.TAKEN);
        assertThat(taken.session().attributes()).containsKey("n");
        assertThat(JedisClusterCRC16.getSlot(lockKey)).isEqualTo(JedisClusterCRC16.getSlot(store.keys().sessionKey(id)));

        RedisSessionStore other = newStore("node-b");
        LockAttempt held = other.locks().lockAndLoad(other.locks().newLock(id), 30_000);
        assertThat(held.outcome()).isEqualTo(LockAttempt.Outcome.HELD);
        assertThat(held.heldForMillis()).isBetween(1L, 30_000L);
        assertThat(raw().hget(lockKey, "w")).as("marked as waited for").isEqualTo("1");

        SessionState state = store.stateOf(taken.session());
        store.lockState(state, lock);
        state.setAttribute("n", 2);
        assertThat(state.saveAndRelease()).isEqualTo(SaveResult.SAVED);
        assertThat(raw().exists(lockKey)).isFalse();
        LockAttempt next = other.locks().lockAndLoad(other.locks().newLock(id), 30_000);
        assertThat(next.outcome()).isEqualTo(LockAttempt.Outcome.TAKEN);
        assertThat(other.stateOf(next.session()).getAttribute("n", loader())).isEqualTo(2);
    }

    @Test
    void aLockIsRenewedAndReleasedOnlyWithItsToken() {
        String id = newId();
        createSaved(id, 600, Map.of("n", 1));
        SessionLock lock = store.locks().newLock(id);
        store.locks().lockAndLoad(lock, 30_000);
        SessionLock stranger = store.locks().newLock(id);

        assertThat(store.locks().renew(lock, 60_000)).isTrue();
        assertThat(raw().pttl(store.keys().lockKey(id))).isGreaterThan(30_000);
        assertThat(store.locks().release(stranger)).isFalse();
        assertThat(raw().exists(store.keys().lockKey(id))).isTrue();
        assertThat(store.locks().release(lock)).isTrue();
        assertThat(store.locks().renew(lock, 60_000)).as("released: not renewed").isFalse();
        assertThat(raw().exists(store.keys().lockKey(id))).isFalse();
    }

    @Test
    void noLockIsTakenOnAnAbsentOrExpiredSession() {
        String absent = newId();
        LockAttempt a = store.locks().lockAndLoad(store.locks().newLock(absent), 30_000);
        assertThat(a.outcome()).isEqualTo(LockAttempt.Outcome.NOT_LOCKED);
        assertThat(a.session()).isNull();

        String expiring = newId();
        createSaved(expiring, 1, Map.of("n", 1));
        awaitExpiredInRedis(List.of(expiring));
        LockAttempt e = store.locks().lockAndLoad(store.locks().newLock(expiring), 30_000);
        assertThat(e.outcome()).isEqualTo(LockAttempt.Outcome.NOT_LOCKED);
        assertThat(e.session().isExpired()).isTrue();
        assertThat(raw().exists(store.keys().lockKey(absent))).isFalse();
        assertThat(raw().exists(store.keys().lockKey(expiring))).isFalse();
    }

    @Test
    void aReleaseWakesTheRequestWaitingForTheLockOnAnotherNode() throws Exception {
        String id = newId();
        createSaved(id, 600, Map.of("n", 1));
        // a lease longer than b may wait: only the release's wake-up gets b the lock in time
        SessionService a = lockingService("node-a", "600000");
        SessionService b = lockingService("node-b", "60000");
        try {
            Poll.until(Duration.ofSeconds(30), "node b listens to the lock wake-ups", () -> b.locks().isListening());
            SessionState heldByA = a.openLocked(id);
            java.util.concurrent.CompletableFuture<SessionState> onB =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> b.openLocked(id));
            Poll.until(Duration.ofSeconds(30), "node b found the lock held", () -> b.metrics().getLockWaits() > 0);

            heldByA.setAttribute("n", 2);
            assertThat(a.saveAndUnlock(heldByA)).isEqualTo(SaveResult.SAVED);

            SessionState got = onB.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(got.getAttribute("n", loader())).isEqualTo(2);
            assertThat(b.metrics().getLockWaits()).as("woken once, no polling").isEqualTo(1);
            b.saveAndUnlock(got);
        } finally {
            a.close();
            b.close();
        }
    }

    private SessionService lockingService(String nodeId, String lockLeaseMillis) {
        SessionStoreConfig c = config();
        c.setNodeId(nodeId);
        c.setAllowedClasses("io.redissessions.core.store.");
        c.set("lockingMode", "all");
        c.set("lockLeaseMillis", lockLeaseMillis);
        c.set("lockWaitMillis", "60000");
        SessionService s = new SessionService(c, namespace, "context [/" + nodeId + "]", clock, new RecordingLog());
        s.start();
        return s;
    }

    @Test
    void theNearCacheLoadsAnUnchangedSessionAsUnchangedAndAChangedOneWhole() {
        RedisSessionStore near = newStore("node-c", clock, c -> c.set("nearCache", "on"));
        String id = newId();
        createSaved(id, 600, Map.of("n", 1, "text", "x".repeat(2000)));

        assertThat(near.open(id).getAttribute("n", loader())).isEqualTo(1);
        assertThat(near.open(id).getAttribute("text", loader())).isEqualTo("x".repeat(2000));
        assertThat(near.metrics().getNearCacheHits()).isEqualTo(1);

        SessionState s = store.open(id);
        s.setAttribute("n", 2);
        s.save();
        assertThat(near.open(id).getAttribute("n", loader())).as("changed by another node").isEqualTo(2);
        assertThat(near.metrics().getNearCacheHits()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ round trips

    @Test
    void roundTripsPerOperationAreAsDocumented() {
        StoreMetrics m = store.metrics();
        String id = newId();
        store.load(newId()); // a fresh server may answer the first call of a script with NOSCRIPT

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
