package io.redissessions.tomcat;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Data in Redis that cannot be read costs that attribute or that session, never a 500. */
class UndecodableDataTest extends NodesTestBase {

    private String key(TomcatNode node, String id) {
        return node.contextManager().store().keys().sessionKey(id);
    }

    @Test
    void garbageAttributeIsAbsentAndTheRestOfTheSessionWorks() {
        TomcatNode a = start("a");
        TomcatNode b = start("b");
        Browser browser = new Browser(a, b);
        String id = browser.body("/s?op=set&name=user&value=alice");
        browser.body("/s?op=append&name=cart&value=apple");
        redis.command("HSET", key(a, id), "a:cart", "not a value");

        HttpResponse<String> r = browser.get("/s?op=get&name=cart");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("null");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        assertThat(a.contextManager().getStoreMetrics().getDecodeFailures() + b.contextManager().getStoreMetrics().getDecodeFailures()).isEqualTo(1);
        browser.body("/s?op=append&name=cart&value=pear"); // a fresh value replaces the garbage
        assertThat(browser.body("/s?op=get&name=cart")).isEqualTo("[pear]");
    }

    @Test
    void attributeOfAClassThatIsNotAllowedHereIsAbsent() {
        TomcatNode permissive = start("permissive");
        TomcatNode strict = started(node("strict").manager(m -> m.setAllowedClasses("")).start());
        Browser browser = new Browser(permissive, strict);
        browser.body(permissive, "/s?op=tracked&name=tracked&value=" + namespace);
        browser.body(permissive, "/s?op=set&name=user&value=alice");

        assertThat(browser.body(strict, "/s?op=get&name=tracked")).isEqualTo("null");
        assertThat(browser.body(strict, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body(permissive, "/s?op=get&name=tracked")).startsWith("io.redissessions.tomcat.testapp.Tracked");
    }

    @Test
    void sessionKeyHoldingSomethingElseIsTreatedAsNoSessionAndRemoved() {
        TomcatNode a = start("a");
        Browser browser = new Browser(a);
        String id = browser.body("/s?op=set&name=user&value=alice");
        redis.command("DEL", key(a, id));
        redis.command("SET", key(a, id), "garbage");

        HttpResponse<String> r = browser.get("/s?op=get&name=user");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("no-session");
        assertThat(redis.command("EXISTS", key(a, id))).isEqualTo(":0");
        String newId = browser.body("/s?op=set&name=user&value=bob");
        assertThat(newId).isNotEqualTo(id);
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
    }

    @Test
    void unreadablePrincipalIsAbsentAndTheSessionStays() {
        TomcatNode a = started(node("a").formLogin().start());
        Browser browser = new Browser(a);
        browser.get("/protected/page");
        browser.post(a, "/j_security_check", "j_username=alice&j_password=secret");
        String id = browser.sessionId().orElseThrow();
        assertThat(browser.body("/s?op=user")).isEqualTo("alice true");
        browser.body("/s?op=set&name=user&value=alice");
        redis.command("HSET", key(a, id), "#x:principal", "{not json");

        assertThat(browser.body("/s?op=user")).isEqualTo("null false");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.get("/protected/page").body()).isEqualTo("LOGIN-PAGE");
    }
}
