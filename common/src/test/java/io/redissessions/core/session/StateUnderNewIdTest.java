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
}
