package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.codec.AttributeEncodingException;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Attribute names become hash field names in UTF-8. A name with an unpaired surrogate has no
 * UTF-8 form: Java writes '?' for it, so "a\uD800" and "a\uDC00" would both be stored as "a?"
 * and overwrite each other. Such names are refused at setAttribute.
 */
class AttributeNameTest {

    private static RedisServer redis;
    private RedisSessionStore store;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void createStore() {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        store = new RedisSessionStore(c, "t" + UUID.randomUUID().toString().substring(0, 8), Clock.systemUTC());
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void namesWithUnpairedSurrogatesAreRefusedAtSetAttributeAndCollideWithNothing() {
        String id = UUID.randomUUID().toString();
        SessionState s = store.newSession(id, 600);
        assertThatThrownBy(() -> s.setAttribute("a\uD800", "high")) // would be stored as "a?"
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("unpaired surrogate")
                .hasMessageContaining("a\\uD800");
        assertThatThrownBy(() -> s.setAttribute("a\uDC00", "low")) // so would this one
                .isInstanceOf(AttributeEncodingException.class)
                .hasMessageContaining("unpaired surrogate")
                .hasMessageContaining("a\\uDC00");
        assertThatThrownBy(() -> s.setAttribute("\uDBFFz", "x")).isInstanceOf(AttributeEncodingException.class);
        s.setAttribute("a?", "plain");
        s.save();
        assertThat(redis.command("HKEYS", store.keys().sessionKey(id))).contains("a:a?").doesNotContain("a:a\uFFFD");
        assertThat(store.open(id).attributeNames()).containsExactly("a?");
    }

    @Test
    void namesWithPairedSurrogatesAndOtherTextAreStoredUnderTheirOwnNames() {
        String id = UUID.randomUUID().toString();
        SessionState s = store.newSession(id, 600);
        s.setAttribute("smile \uD83D\uDE00", "emoji");
        s.setAttribute("smile ?", "question mark");
        s.setAttribute("Grüße", "umlaut");
        s.save();

        SessionState loaded = store.open(id);
        assertThat(loaded.attributeNames()).containsExactlyInAnyOrder("smile \uD83D\uDE00", "smile ?", "Grüße");
        assertThat(loaded.getAttribute("smile \uD83D\uDE00", null)).isEqualTo("emoji");
        assertThat(loaded.getAttribute("smile ?", null)).isEqualTo("question mark");
    }
}
