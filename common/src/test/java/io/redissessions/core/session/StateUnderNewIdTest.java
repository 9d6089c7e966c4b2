package io.redissessions.core.session;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.store.IdsInShard;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.core.store.SessionKeys;
import io.redissessions.core.store.SessionState;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.RecordingLog;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SessionState#withId}: after the store renamed a session (one atomic script), the request
 * that renamed it goes on under the new id with what it loaded and changed, and its save writes
 * only its changes there.
 */
class StateUnderNewIdTest {

    private static final ClassLoader LOADER = StateUnderNewIdTest.class.getClassLoader();

    private RedisServer redis;
    private SessionService service;
    private final SessionKeys keys = new SessionKeys("rs:", "sid");

    @BeforeEach
    void start() {
        redis = RedisServer.startStandalone();
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        service = new SessionService(c, "sid", "context [/sid]", MutableClock.startingNow(), new RecordingLog());
    }

    @AfterEach
    void stop() {
        service.close();
        redis.close();
    }

    private static String idInShardOf(String id) {
        return IdsInShard.generate(() -> UUID.randomUUID().toString(), SessionKeys.shardOf(id));
    }

    @Test
    void changesMadeBeforeAndAfterTheRenameAreSavedUnderTheNewIdAndNothingElseIsRewritten() {
        SessionState created = service.create("old-1", 600);
        created.setAttribute("user", "alice");
        created.setAttribute("cart", new ArrayList<>(List.of("apple")));
        created.setAttribute("gone", "soon");
        assertThat(service.save(created)).isEqualTo(SaveResult.SAVED);

        SessionState loaded = service.open("old-1");
        @SuppressWarnings("unchecked")
        List<String> cart = (List<String>) loaded.getAttribute("cart", LOADER);
        cart.add("pear"); // in place, before the id change
        loaded.removeAttribute("gone");
        String newId = idInShardOf("old-1");
        assertThat(service.changeId("old-1", newId)).isTrue();

        SessionState renamed = loaded.withId(newId);
        renamed.setAttribute("role", "admin"); // after the id change
        String userBytes = redis.command("HGET", keys.sessionKey(newId), "a:user");
        assertThat(service.save(renamed)).isEqualTo(SaveResult.SAVED);

        assertThat(renamed.id()).isEqualTo(newId);
        assertThat(redis.command("EXISTS", keys.sessionKey("old-1"))).endsWith("0");
        SessionState reread = service.open(newId);
        assertThat(reread.getAttribute("user", LOADER)).isEqualTo("alice");
        assertThat(reread.getAttribute("cart", LOADER)).isEqualTo(List.of("apple", "pear"));
        assertThat(reread.getAttribute("role", LOADER)).isEqualTo("admin");
        assertThat(reread.attributeNames()).doesNotContain("gone");
        assertThat(redis.command("HGET", keys.sessionKey(newId), "a:user")).isEqualTo(userBytes);
    }

    @Test
    void neverStoredSessionUnderANewIdIsCreatedThereOnly() {
        SessionState created = service.create("never-saved", 600);
        created.setAttribute("user", "bob");

        SessionState renamed = created.withId("brand-new");
        assertThat(service.save(renamed)).isEqualTo(SaveResult.SAVED);

        assertThat(redis.command("EXISTS", keys.sessionKey("never-saved"))).endsWith("0");
        assertThat(service.open("brand-new").getAttribute("user", LOADER)).isEqualTo("bob");
    }

    @Test
    void withASigningKeyTheRenamedSessionKeepsItsSignaturesAndTakesNewValuesInOneRenameRoundTrip() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        c.setSigningKey("a-signing-key-of-thirty-two-bytes!");
        try (SessionService signed = new SessionService(c, "sid", "context [/sid]", MutableClock.startingNow(),
                new RecordingLog())) {
            SessionState created = signed.create("signed-1", 600);
            created.setAttribute("user", "alice");
            created.setExtra("principal", "{\"name\":\"alice\",\"roles\":[]}");
            assertThat(signed.save(created)).isEqualTo(SaveResult.SAVED);

            SessionState loaded = signed.open("signed-1");
            String newId = idInShardOf("signed-1");
            assertThat(signed.changeId(loaded, newId)).isTrue();

            SessionState renamed = loaded.withId(newId);
            renamed.setAttribute("role", "admin");
            assertThat(signed.save(renamed)).isEqualTo(SaveResult.SAVED);

            SessionState reread = signed.open(newId);
            assertThat(reread.getAttribute("user", LOADER)).as("signed before the rename").isEqualTo("alice");
            assertThat(reread.getAttribute("role", LOADER)).as("signed after it").isEqualTo("admin");
            assertThat(reread.extra("principal")).contains("alice");
            assertThat(signed.metrics().getDecodeFailures()).isZero();
            // and the renamed session can change its id once more, in one round trip (the script is
            // loaded on the server by now: the first rename paid NOSCRIPT + EVAL)
            String third = idInShardOf(newId);
            long roundTrips = signed.metrics().getRoundTrips();
            assertThat(signed.changeId(reread, third)).isTrue();
            assertThat(signed.metrics().getRoundTrips() - roundTrips).as("the rename").isEqualTo(1);
            assertThat(signed.open(third).getAttribute("role", LOADER)).isEqualTo("admin");
        }
    }
}
