package io.redissessions.it.tomcat;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.EventLog;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.TestWebapp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes of one real Tomcat distribution as separate processes, installed as the README says,
 * one Redis, and a browser that rotates its requests across the nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class TomcatDistributionTestBase {

    private RedisServer redis;
    private TomcatNode n1;
    private TomcatNode n2;

    /** The system property that names the unpacked distribution (set by the pom). */
    protected abstract String homeProperty();

    /** More attributes of the Manager element (with a leading space), or none. */
    protected String moreManagerAttributes() {
        return "";
    }

    static Path property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run through Maven (failsafe)");
        }
        return Path.of(value);
    }

    @BeforeAll
    void startNodes() throws Exception {
        Path home = property(homeProperty());
        Path work = property("tomcat.work").resolve(home.getFileName());
        redis = RedisServer.startStandalone();
        Path webapp = TomcatNode.webapp(home, work.resolve("webapp"));
        String manager = "<Manager className=\"io.redissessions.tomcat.RedisSessionManager\" uri=\"" + redis.uri()
                + "/0\" allowedClasses=\"" + TestWebapp.ALLOWED_CLASSES + "\"" + moreManagerAttributes() + "/>";
        n1 = TomcatNode.install("n1", home, work, property("tomcat.allJar"), webapp, manager);
        n2 = TomcatNode.install("n2", home, work, property("tomcat.allJar"), webapp, manager);
        CompletableFuture<TomcatNode> s1 = CompletableFuture.supplyAsync(n1::start);
        CompletableFuture<TomcatNode> s2 = CompletableFuture.supplyAsync(n2::start);
        s1.get();
        s2.get();
    }

    @AfterAll
    void stopNodes() {
        for (TomcatNode n : new TomcatNode[] {n1, n2}) {
            if (n != null) {
                n.stop();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    private EventLog events() {
        return new EventLog(List.of(n1.eventsFile(), n2.eventsFile()));
    }

    @Test
    @Order(1)
    void attributeSetOnOneNodeIsReadOnTheOther() {
        Browser browser = Browser.of(n1, n2);
        String id = browser.body("/s?op=set&name=user&value=alice");
        assertThat(id).endsWith(".n1"); // jvmRoute of the node that created it
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        browser.body("/s?op=set&name=user&value=bob");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
        assertThat(browser.body(n1, "/s?op=id")).isEqualTo(id);
        assertThat(n1.catalinaLog()).contains("keeps its sessions in Redis").doesNotContain("SEVERE");
    }

    @Test
    @Order(2)
    void objectChangedInPlaceIsSaved() {
        Browser browser = Browser.of(n1, n2);
        browser.body("/s?op=append&name=cart&value=apple");
        browser.body("/s?op=append&name=cart&value=pear");
        browser.body("/s?op=append&name=cart&value=plum");
        assertThat(browser.body("/s?op=get&name=cart")).isEqualTo("[apple, pear, plum]");
        assertThat(browser.body("/s?op=get&name=cart")).isEqualTo("[apple, pear, plum]");
    }

    @Test
    @Order(3)
    void formLoginWithTheLoginPageTheLoginAndTheProtectedPageOnDifferentNodes() {
        Browser browser = Browser.of(n1, n2);
        assertThat(browser.body(n1, "/protected/page")).isEqualTo("LOGIN-PAGE");
        Reply login = browser.post(n2, "/j_security_check", TestWebapp.ALICE.loginForm());
        assertThat(login.status()).as(login.body()).isEqualTo(303);
        assertThat(browser.body(n1, "/protected/page"))
                .isEqualTo("PROTECTED /protected/page user=alice method=GET query=null field=null node=n1 admin=false auth=FORM");
        assertThat(browser.body(n2, "/protected/page"))
                .isEqualTo("PROTECTED /protected/page user=alice method=GET query=null field=null node=n2 admin=false auth=FORM");
        assertThat(browser.body(n1, "/s?op=user")).isEqualTo("alice true");
    }

    @Test
    @Order(4)
    void invalidationOnOneNodeIsSeenByTheOtherAndDestroyedRunsOnce() {
        Browser browser = Browser.of(n1, n2);
        String id = browser.body(n2, "/s?op=set&name=user&value=carol");
        browser.body(n2, "/s?op=tracked&name=tracked&value=inv-" + id);

        assertThat(browser.body(n1, "/s?op=invalidate")).isEqualTo("invalidated");

        assertThat(browser.body(n2, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(browser.body(n1, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(events().destroyed(id)).singleElement()
                .satisfies(e -> assertThat(e.node()).isEqualTo("n1"))
                .satisfies(e -> assertThat(e.detail()).contains("user=carol"));
        assertThat(events().unbound("inv-" + id)).hasSize(1);
    }

    @Test
    @Order(5)
    void expiredSessionIsDestroyedExactlyOnceAcrossNodes() {
        Browser browser = Browser.of(n1, n2);
        String id = browser.body("/s?op=setMaxInactive&value=2");
        browser.body("/s?op=set&name=user&value=dave");
        browser.body("/s?op=tracked&name=tracked&value=exp-" + id);

        // stored without the jvmRoute; the node that claims it hands it to the listeners with its own
        String clusterId = Browser.clusterId(id);
        assertThat(redis.command("KEYS", "rs:*")).contains(":s:" + clusterId + "\n");
        Poll.until(Duration.ofSeconds(30), "a node destroys the expired session", () -> !events().destroyed(id).isEmpty());
        // the claimer deletes the session after its listeners: once gone, no node can claim it again
        Poll.until(Duration.ofSeconds(10), "the expired session is deleted from Redis",
                () -> !redis.command("KEYS", "rs:*").contains(clusterId));

        assertThat(events().destroyed(id)).singleElement()
                .satisfies(e -> assertThat(e.sessionId()).isEqualTo(clusterId + "." + e.node()))
                .satisfies(e -> assertThat(e.detail()).contains("user=dave"));
        assertThat(events().unbound("exp-" + id)).hasSize(1);
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("no-session");
    }

    @Test
    @Order(6)
    void stoppingANodeKeepsItsSessionsForTheOthers() {
        Browser browser = Browser.of(n1, n2);
        String id = browser.body(n1, "/s?op=set&name=user&value=erin");

        n1.stop();

        assertThat(n1.isRunning()).isFalse();
        assertThat(browser.body(n2, "/s?op=get&name=user")).isEqualTo("erin");
        assertThat(events().destroyed(id)).isEmpty();
    }
}
