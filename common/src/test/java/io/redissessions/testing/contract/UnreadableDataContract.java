package io.redissessions.testing.contract;

import io.redissessions.core.store.StoreMetrics;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.TestWebapp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container contract, part 2: data in Redis that a node cannot read costs that attribute or
 * that session, never a 500 page; a value that cannot be stored fails where the application sets
 * it, naming the class and the setting.
 */
public abstract class UnreadableDataContract extends ContractSupport {

    @Test
    void garbageInOneAttributeMakesItAbsentAndTheSessionWorks() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        String id = sessionWithUserAlice(browser, 0);
        browser.body(0, "/s?op=append&name=cart&value=apple");
        redis.command("HSET", sessionKey(id), "a:cart", "not a value");

        Reply r = browser.get(1, "/s?op=get&name=cart");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("null");
        assertThat(sum(cluster, StoreMetrics::getDecodeFailures)).as("decodeFailures").isEqualTo(1);
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body(1, "/s?op=append&name=cart&value=pear")).as("a fresh value replaces the garbage")
                .isEqualTo("[pear]");
        assertThat(browser.body(0, "/s?op=get&name=cart")).isEqualTo("[pear]");
        assertThat(browser.sessionId()).hasValueSatisfying(v -> assertThat(Browser.clusterId(v))
                .isEqualTo(Browser.clusterId(id)));
    }

    @Test
    void attributeOfAClassThatIsNotAllowedOnThisNodeIsAbsentThere() {
        ClusterUnderTest permissive = start(spec().withNodes(1).withNamePrefix("p"));
        ClusterUnderTest strict = start(spec().withNodes(1).withNamePrefix("s").withAllowedClasses(""));
        Browser browser = new Browser(java.util.List.of(permissive.node(0), strict.node(0)));
        sessionWithUserAlice(browser, 0);
        browser.body(0, "/s?op=basket-add&value=apple");

        assertThat(browser.body(1, "/s?op=basket")).isEqualTo("no-basket");
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body(0, "/s?op=basket")).as("the value is not written back by the strict node")
                .isEqualTo("[apple] loader=webapp");
    }

    @Test
    void valueOfAClassThatIsNotAllowedFailsAtSetAttributeNamingTheClassAndTheSetting() {
        Browser browser = start(spec().withNodes(1).withAllowedClasses("")).browser();

        Reply r = browser.get("/s?op=basket-add&value=apple");

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).contains(TestWebapp.BASKET).contains("allowedClasses");
    }

    @Test
    void sessionKeyHoldingSomethingElseIsNoSessionAndIsRemoved() {
        ClusterUnderTest cluster = start(2);
        Browser browser = cluster.browser();
        String id = sessionWithUserAlice(browser, 0);
        redis.command("DEL", sessionKey(id));
        redis.command("SET", sessionKey(id), "not a session");

        Reply r = browser.get(1, "/s?op=get&name=user");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("no-session");
        assertThat(exists(redis, sessionKey(id))).as("the key that is no session").isFalse();
        assertThat(sum(cluster, StoreMetrics::getUnreadableSessions)).as("unreadableSessions").isEqualTo(1);
        String newId = browser.body(0, "/s?op=set&name=user&value=bob");
        assertThat(Browser.clusterId(newId)).isNotEqualTo(Browser.clusterId(id));
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("bob");
    }

    @Test
    void valueSignedWithAnotherKeyIsAbsent() {
        ClusterUnderTest signer = start(spec().withNodes(1).withNamePrefix("k").withSigningKey("key-one-of-32-bytes-length-xxxxx"));
        ClusterUnderTest other = start(spec().withNodes(1).withNamePrefix("o").withSigningKey("key-two-of-32-bytes-length-yyyyy"));
        Browser browser = new Browser(java.util.List.of(signer.node(0), other.node(0)));
        browser.body(0, "/s?op=set&name=user&value=alice");

        Reply r = browser.get(1, "/s?op=get&name=user");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("null");
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("alice");
    }
}
