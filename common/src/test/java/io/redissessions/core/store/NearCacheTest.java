package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near cache (nearCache=on) on a real Redis: a session this node read or saved is loaded again
 * as "unchanged" for a few bytes, and a session another node changed is always read whole.
 */
class NearCacheTest {

    private static final ClassLoader LOADER = NearCacheTest.class.getClassLoader();
    private static RedisServer redis;
    private final List<RedisSessionStore> stores = new ArrayList<>();
    private final String namespace = "nc" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeStores() {
        stores.forEach(RedisSessionStore::close);
    }

    private RedisSessionStore node(String name, Consumer<SessionStoreConfig> settings) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        c.setNodeId(name);
        c.set("nearCache", "on");
        settings.accept(c);
        RedisSessionStore s = new RedisSessionStore(c, namespace, Clock.systemUTC());
        stores.add(s);
        return s;
    }

    private RedisSessionStore node(String name) {
        return node(name, c -> { });
    }

    /** A session of 20 attributes of 2.5 KB each (50 KB). */
    private static String bigSession(RedisSessionStore store) {
        String id = UUID.randomUUID().toString();
        SessionState s = store.newSession(id, 600);
        for (int i = 0; i < 20; i++) {
            s.setAttribute("text" + i, "x".repeat(2500) + i);
        }
        s.setAttribute("counter", 0);
        assertThat(s.save()).isEqualTo(SaveResult.SAVED);
        return id;
    }

    private static long infoOutputBytes() {
        Matcher m = Pattern.compile("total_net_output_bytes:(\\d+)").matcher(redis.command("INFO", "stats"));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /**
     * Counts the bytes Redis sends while {@code action} runs, the replies to the INFO calls that
     * measure it left out (give or take a few bytes: their lengths differ by a digit or two).
     */
    private static long bytesSentDuring(Runnable action) {
        long a = infoOutputBytes();
        long b = infoOutputBytes();
        action.run();
        long c = infoOutputBytes();
        return c - b - (b - a);
    }

    @Test
    void anUnchangedSessionIsLoadedForAFewBytesAndAChangedOneWhole() {
        RedisSessionStore a = node("a");
        RedisSessionStore b = node("b");
        String id = bigSession(b);

        SessionState[] read = new SessionState[2];
        long firstBytes = bytesSentDuring(() -> read[0] = a.open(id));
        long secondBytes = bytesSentDuring(() -> read[1] = a.open(id));
        SessionState first = read[0];
        SessionState second = read[1];

        assertThat(firstBytes).as("the first load reads the whole hash").isGreaterThan(50_000);
        assertThat(secondBytes).as("Redis's reply to the second load: TIME and 'unchanged'").isLessThan(64);
        assertThat(a.metrics().getNearCacheHits()).isEqualTo(1);
        assertThat(second.getAttribute("text7", LOADER)).isEqualTo(first.getAttribute("text7", LOADER));
        assertThat(second.version()).isEqualTo(first.version());

        SessionState onB = b.open(id);
        onB.setAttribute("counter", 1);
        assertThat(onB.save()).isEqualTo(SaveResult.SAVED);

        assertThat(bytesSentDuring(() -> read[0] = a.open(id))).as("changed by b: read whole").isGreaterThan(50_000);
        SessionState third = read[0];
        assertThat(third.getAttribute("counter", LOADER)).isEqualTo(1);
        assertThat(a.metrics().getNearCacheHits()).isEqualTo(1);
    }

    @Test
    void aSessionDeletedAndMadeAgainUnderItsIdIsNotServedFromTheOldCopy() {
        RedisSessionStore a = node("a");
        RedisSessionStore b = node("b");
        String id = UUID.randomUUID().toString();
        SessionState old = b.newSession(id, 600);
        old.setAttribute("user", "alice");
        old.save();
        assertThat(a.open(id).getAttribute("user", LOADER)).isEqualTo("alice");

        b.delete(id);
        long created = System.currentTimeMillis() - 60_000;
        SessionState again = b.newSession(id, created, created, 600); // another #created, the same #v (1)
        again.setAttribute("user", "bob");
        again.save();

        assertThat(a.open(id).getAttribute("user", LOADER)).isEqualTo("bob");
        assertThat(a.metrics().getNearCacheHits()).isZero();
    }

    @Test
    void aSaveThatLeavesAStateTheNodeKnowsWholeIsKeptAndOneAfterAnotherNodesWriteIsNot() {
        RedisSessionStore a = node("a");
        RedisSessionStore b = node("b");
        String id = bigSession(a);

        SessionState onA = a.open(id);
        onA.setAttribute("counter", 1);
        assertThat(onA.save()).isEqualTo(SaveResult.SAVED);
        SessionState next = a.open(id);
        assertThat(a.metrics().getNearCacheHits()).as("a's own save is known whole").isEqualTo(2);
        assertThat(next.getAttribute("counter", LOADER)).isEqualTo(1);

        // b writes between a's read and a's save: a's copy would miss b's change
        SessionState readByA = a.open(id);
        SessionState onB = b.open(id);
        onB.setAttribute("text3", "changed by b");
        assertThat(onB.save()).isEqualTo(SaveResult.SAVED);
        readByA.setAttribute("counter", 2);
        assertThat(readByA.save()).isEqualTo(SaveResult.SAVED);

        long hits = a.metrics().getNearCacheHits();
        SessionState after = a.open(id);
        assertThat(a.metrics().getNearCacheHits()).as("read whole").isEqualTo(hits);
        assertThat(after.getAttribute("text3", LOADER)).isEqualTo("changed by b");
        assertThat(after.getAttribute("counter", LOADER)).isEqualTo(2);
    }

    @Test
    void immutableValuesAreNotDecodedAgainAndMutableOnesAre() {
        RedisSessionStore a = node("a");
        String id = UUID.randomUUID().toString();
        SessionState s = a.newSession(id, 600);
        s.setAttribute("name", "alice");
        s.setAttribute("cart", new ArrayList<>(List.of("book")));
        s.save();

        SessionState first = a.open(id);
        Object name = first.getAttribute("name", LOADER);
        Object cart = first.getAttribute("cart", LOADER);
        SessionState second = a.open(id);

        assertThat(second.getAttribute("name", LOADER)).as("the string decoded by the first request").isSameAs(name);
        assertThat(second.getAttribute("cart", LOADER)).as("a list is decoded for each request").isNotSameAs(cart)
                .isEqualTo(cart);
    }

    @Test
    void aListChangedInPlaceIsSavedAndTheNextLoadSeesIt() {
        RedisSessionStore a = node("a");
        String id = UUID.randomUUID().toString();
        SessionState s = a.newSession(id, 600);
        s.setAttribute("cart", new ArrayList<>(List.of("book")));
        s.save();

        SessionState first = a.open(id);
        @SuppressWarnings("unchecked")
        List<String> cart = (List<String>) first.getAttribute("cart", LOADER);
        cart.add("pen");
        assertThat(first.save()).isEqualTo(SaveResult.SAVED);

        assertThat(a.open(id).getAttribute("cart", LOADER)).isEqualTo(List.of("book", "pen"));
        assertThat(node("b").open(id).getAttribute("cart", LOADER)).isEqualTo(List.of("book", "pen"));
    }

    @Test
    void theCacheKeepsAtMostNearCacheMaxSessions() {
        RedisSessionStore a = node("a", c -> c.set("nearCacheMaxSessions", "3"));
        for (int i = 0; i < 10; i++) {
            String id = UUID.randomUUID().toString();
            SessionState s = a.newSession(id, 600);
            s.setAttribute("n", i);
            s.save();
            a.open(id);
        }
        assertThat(a.nearCacheSize()).isBetween(1L, 3L);
    }

    @Test
    void theCacheKeepsAtMostNearCacheMaxBytes() {
        RedisSessionStore a = node("a", c -> c.set("nearCacheMaxBytes", "120000"));
        for (int i = 0; i < 6; i++) {
            a.open(bigSession(a));
        }
        assertThat(a.nearCacheSize()).as("50 KB sessions in 120 KB").isBetween(1L, 2L);
    }

    @Test
    void aLockedLoadOfAnUnchangedSessionIsAnsweredUnchangedToo() {
        RedisSessionStore a = node("a");
        String id = bigSession(a);
        SessionLock warmUp = a.locks().newLock(id); // the script is known to Redis from now on
        a.locks().lockAndLoad(warmUp, 10_000);
        a.locks().release(warmUp);
        SessionLock lock = a.locks().newLock(id);

        LockAttempt[] attempt = new LockAttempt[1];
        long bytes = bytesSentDuring(() -> attempt[0] = a.locks().lockAndLoad(lock, 10_000));

        assertThat(attempt[0].outcome()).isEqualTo(LockAttempt.Outcome.TAKEN);
        assertThat(bytes).isLessThan(64);
        assertThat(a.stateOf(attempt[0].session()).getAttribute("text1", LOADER)).isEqualTo("x".repeat(2500) + 1);
        a.locks().release(lock);
    }

    @Test
    void withoutTheNearCacheEveryLoadReadsTheWholeHash() {
        RedisSessionStore a = node("a", c -> c.set("nearCache", "off"));
        String id = bigSession(a);
        a.open(id);
        assertThat(bytesSentDuring(() -> a.open(id))).isGreaterThan(50_000);
        assertThat(a.metrics().getNearCacheHits()).isZero();
        assertThat(a.hasNearCache()).isFalse();
    }
}
