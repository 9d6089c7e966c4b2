package io.redissessions.tomcat;

import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.TestWebapp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Tomcat extra in Redis that cannot be read (the FORM login principal) costs the login, not the
 * session. Undecodable attributes and keys are the container contract's
 * ({@link TomcatUnreadableDataContractTest}).
 */
class UndecodableDataTest extends NodesTestBase {

    @Test
    void unreadablePrincipalIsAbsentAndTheSessionStays() {
        TomcatNode a = started(node("a").formLogin().start());
        Browser browser = Browser.of(a);
        browser.get("/protected/page");
        browser.post(a, "/j_security_check", TestWebapp.ALICE.loginForm());
        String id = browser.sessionId().orElseThrow();
        assertThat(browser.body("/s?op=user")).isEqualTo("alice true");
        browser.body("/s?op=set&name=user&value=alice");
        redis.command("HSET", a.contextManager().store().keys().sessionKey(id), "#x:principal", "{not json");

        assertThat(browser.body("/s?op=user")).isEqualTo("null false");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.get("/protected/page").body()).isEqualTo("LOGIN-PAGE");
    }
}
