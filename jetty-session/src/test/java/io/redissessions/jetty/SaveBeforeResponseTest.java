package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty saves a session when the response is committed; a save that Redis cannot take is
 * answered 503 whenever the response can still be changed (the container contract's
 * {@link JettyFailureReplyContractTest} covers every fault on a save at the end of a request).
 * Here: a response larger than Jetty's buffer, committed while the servlet still writes, and the
 * requests that follow on the same connection. Redis refuses the save script's HSET to the nodes'
 * user (an ACL change, which says nothing about the data); loads still work.
 */
class SaveBeforeResponseTest {

    private RedisServer redis;
    private JettyNode node;

    @BeforeEach
    void start() {
        redis = RedisServer.builder().aclUser("app", "app-pw").start();
        node = JettyNode.builder("nodeA", redis.uri("app", "app-pw")).store(f -> f.setSocketTimeoutMillis(1000)).start();
    }

    @AfterEach
    void stop() {
        node.close();
        redis.close();
    }

    @Test
    void responseCommittedWhileTheServletWritesIsAnswered503WhenItsSaveFails() {
        Browser browser = Browser.of(node);
        String id = browser.body("/s?op=set&name=user&value=alice");
        redis.command("ACL", "SETUSER", "app", "-hset");

        Reply r = browser.get("/s?op=set&name=user&value=mallory&pad=200000");

        assertThat(r.status()).as(r.request()).isEqualTo(503);
        assertThat(r.body()).as("the failure answer, not the application's content")
                .isEqualTo("The session store is unavailable; please retry shortly.\n");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(r.sessionCookie()).isEmpty();
        redis.command("ACL", "SETUSER", "app", "+hset");
        assertThat(browser.body("/s?op=get&name=user")).as("the next request on the connection").isEqualTo("alice");
        assertThat(browser.clusterId()).isEqualTo(Browser.clusterId(id));
    }

    @Test
    void headRequestWhoseSaveFailsIsAnswered503WithoutABody() {
        Browser browser = Browser.of(node);
        browser.body("/s?op=set&name=user&value=alice");
        redis.command("ACL", "SETUSER", "app", "-hset");

        Reply r = browser.head("/s?op=set&name=user&value=mallory");

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).isEmpty();
        redis.command("ACL", "SETUSER", "app", "+hset");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
    }
}
