package io.redissessions.tomcat;

import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.TestWebapp;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/** FORM login with the login page, j_security_check and the protected page on three different nodes. */
class FormLoginTest extends NodesTestBase {

    @Test
    void formLoginWorksWhenEachStepIsServedByAnotherNode() {
        TomcatNode a = started(node("a").formLogin().start());
        TomcatNode b = started(node("b").formLogin().start());
        TomcatNode c = started(node("c").formLogin().start());
        Browser browser = Browser.of(a, b, c);

        Reply loginPage = browser.get(a, "/protected/page?item=42");
        assertThat(loginPage.status()).isEqualTo(200);
        assertThat(loginPage.body()).isEqualTo("LOGIN-PAGE");
        String idBeforeLogin = browser.sessionId().orElseThrow();
        assertSavedBeforeTheResponse(a, idBeforeLogin);

        Reply login = browser.post(b, "/j_security_check", TestWebapp.ALICE.loginForm());
        assertThat(login.status()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(
                l -> assertThat(l).endsWith("/app/protected/page?item=42"));
        assertThat(browser.sessionId()).isPresent().isNotEqualTo(java.util.Optional.of(idBeforeLogin));

        Reply page = browser.get(c, "/protected/page?item=42");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("PROTECTED /protected/page user=alice method=GET query=item=42 field=null node=c admin=false auth=FORM");

        // the principal stays with the session on every node
        assertThat(browser.body(a, "/s?op=user")).isEqualTo("alice true");
        assertThat(browser.body(b, "/protected/other")).startsWith("PROTECTED /protected/other user=alice");
        assertThat(browser.body(c, "/s?op=user")).isEqualTo("alice true");
    }

    @Test
    void formLoginWithASessionThatExistedBeforeWorksAcrossNodes() {
        TomcatNode a = started(node("a").formLogin().start());
        TomcatNode b = started(node("b").formLogin().start());
        TomcatNode c = started(node("c").formLogin().start());
        Browser browser = Browser.of(a, b, c);
        String before = browser.body(c, "/s?op=set&name=cart&value=apple");

        assertThat(browser.get(a, "/protected/page").body()).isEqualTo("LOGIN-PAGE");
        String loginPageId = browser.sessionId().orElseThrow();
        assertThat(loginPageId).isNotEqualTo(before); // Tomcat changes the id before the login page
        assertSavedBeforeTheResponse(a, loginPageId);
        assertThat(browser.post(b, "/j_security_check", TestWebapp.ALICE.loginForm()).status())
                .isEqualTo(303);

        assertThat(browser.body(c, "/protected/page")).startsWith("PROTECTED /protected/page user=alice");
        assertThat(browser.body(a, "/s?op=get&name=cart")).isEqualTo("apple");
    }

    /**
     * Tomcat closes the response of the forward to the login page before the pipeline returns:
     * the saved request must be in Redis by the time the browser has the page.
     */
    private static void assertSavedBeforeTheResponse(TomcatNode node, String id) {
        String key = node.contextManager().store().keys().sessionKey(id);
        assertThat(redis.command("HEXISTS", key, "#x:note:org.apache.catalina.authenticator.REQUEST")).isEqualTo(":1");
        assertThat(redis.command("HGET", key, "#x:note:org.apache.catalina.authenticator.SESSION_ID")).contains(id);
    }

    @Test
    void savedPostBodyIsReplayedOnAnotherNodeAfterLogin() {
        TomcatNode a = started(node("a").formLogin().start());
        TomcatNode b = started(node("b").formLogin().start());
        TomcatNode c = started(node("c").formLogin().start());
        Browser browser = Browser.of(a, b, c);

        Reply loginPage = browser.post(a, "/protected/form", "field=value%201");
        assertThat(loginPage.body()).isEqualTo("LOGIN-PAGE");
        Reply login = browser.post(b, "/j_security_check", TestWebapp.ALICE.loginForm());
        assertThat(login.status()).isEqualTo(303);

        Reply replay = browser.get(c, "/protected/form");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo("PROTECTED /protected/form user=alice method=POST query=null field=value 1 node=c admin=false auth=FORM");
    }

    @Test
    void wrongPasswordShowsTheErrorPageAndLogsNobodyIn() {
        TomcatNode a = started(node("a").formLogin().start());
        TomcatNode b = started(node("b").formLogin().start());
        Browser browser = Browser.of(a, b);
        browser.get(a, "/protected/page");
        Reply login = browser.post(b, "/j_security_check", "j_username=alice&j_password=wrong");
        assertThat(login.body()).isEqualTo("LOGIN-ERROR");
        assertThat(browser.get(a, "/protected/page").body()).isEqualTo("LOGIN-PAGE");
    }
}
