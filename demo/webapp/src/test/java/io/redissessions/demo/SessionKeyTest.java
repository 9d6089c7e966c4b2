package io.redissessions.demo;

import io.redissessions.core.store.SessionKeys;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The page computes session keys on its own; they must be the store's keys (wire format 1). */
class SessionKeyTest {

    @Test
    void keyIsTheStoresKeyForAnyId() {
        SessionKeys store = new SessionKeys("rs:", "demo");
        for (int i = 0; i < 2000; i++) {
            String id = i % 2 == 0 ? UUID.randomUUID().toString().replace("-", "").toUpperCase()
                    : "node0" + Long.toString(i * 7919L, 36) + "x" + i;
            assertThat(SessionKey.of("rs:", "demo", id)).isEqualTo(store.sessionKey(id));
        }
    }

    @Test
    void nodeSuffixOfTheIdIsNotPartOfTheKey() {
        SessionKeys store = new SessionKeys("rs:", "demo");
        assertThat(SessionKey.of("rs:", "demo", "9F2C.tomcat-1")).isEqualTo(store.sessionKey("9F2C"));
        assertThat(SessionKey.of("rs:", "demo", "jetty-1x7f.jetty-1")).isEqualTo(store.sessionKey("jetty-1x7f"));
    }

    @Test
    void shardIsWrittenWithTwoDigits() {
        assertThat(SessionKey.of("rs:", "demo", "A")).matches("rs:\\{demo:\\d\\d}:s:A");
        assertThat(SessionKey.of("app:", "ROOT", "9F2C")).startsWith("app:{ROOT:").endsWith("}:s:9F2C");
    }
}
