package io.redissessions.it.tomcat;

import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
        Path webapp = TestWebapp.build(home, work.resolve("webapp"));
        String manager = "<Manager className=\"io.redissessions.tomcat.RedisSessionManager\" uri=\"" + redis.uri()
                + "/0\" allowedClasses=\"com.example.itapp.*\"" + moreManagerAttributes() + "/>";
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

    private List<String> allEvents() {
        List<String> all = new ArrayList<>(n1.events());
        all.addAll(n2.events());
        return all;
    }

    private long count(String line) {
        return allEvents().stream().filter(line::equals).count();
    }

    @Test
    @Order(1)
    void attributeSetOnOneNodeIsReadOnTheOther() {
        Browser browser = new Browser(n1, n2);
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
        Browser browser = new Browser(n1, n2);
        browser.body("/s?op=append&name=cart&value=apple");
        browser.body("/s?op=append&name=cart&value=pear");
        browser.body("/s?op=append&name=cart&value=plum");
        assertThat(browser.body("/s?op=get&name=cart")).isEqualTo("[apple, pear, plum]");
        assertThat(browser.body("/s?op=get&name=cart")).isEqualTo("[apple, pear, plum]");
    }

    @Test
    @Order(3)
    void formLoginWithTheLoginPageTheLoginAndTheProtectedPageOnDifferentNodes() {
        Browser browser = new Browser(n1, n2);
        assertThat(browser.body(n1, "/protected/page")).isEqualTo("LOGIN-PAGE");
        HttpResponse<String> login = browser.post(n2, "/j_security_check", "j_username=alice&j_password=secret");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        assertThat(browser.body(n1, "/protected/page")).isEqualTo("PROTECTED /protected/page user=alice node=n1");
        assertThat(browser.body(n2, "/protected/page")).isEqualTo("PROTECTED /protected/page user=alice node=n2");
        assertThat(browser.body(n1, "/s?op=user")).isEqualTo("alice true");
    }

    @Test
    @Order(4)
    void invalidationOnOneNodeIsSeenByTheOtherAndDestroyedRunsOnce() {
        Browser browser = new Browser(n1, n2);
        String id = browser.body(n2, "/s?op=set&name=user&value=carol");
        browser.body(n2, "/s?op=tracked&name=tracked&value=inv-" + id);

        assertThat(browser.body(n1, "/s?op=invalidate")).isEqualTo("invalidated");

        assertThat(browser.body(n2, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(browser.body(n1, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(count("destroyed " + id + " carol")).isEqualTo(1);
        assertThat(count("unbound inv-" + id)).isEqualTo(1);
    }

    @Test
    @Order(5)
    void expiredSessionIsDestroyedExactlyOnceAcrossNodes() {
        Browser browser = new Browser(n1, n2);
        String id = browser.body("/s?op=maxInactive&value=2");
        browser.body("/s?op=set&name=user&value=dave");
        browser.body("/s?op=tracked&name=tracked&value=exp-" + id);

        // stored without the jvmRoute; the node that claims it hands it to the listeners with its own
        String clusterId = id.substring(0, id.lastIndexOf('.'));
        java.util.function.LongSupplier destroyed = () -> count("destroyed " + clusterId + ".n1 dave")
                + count("destroyed " + clusterId + ".n2 dave");
        assertThat(redis.command("KEYS", "rs:*")).contains(":s:" + clusterId + "\n");
        Poll.until(Duration.ofSeconds(30), "a node destroys the expired session", () -> destroyed.getAsLong() > 0);
        // the claimer deletes the session after its listeners: once gone, no node can claim it again
        Poll.until(Duration.ofSeconds(10), "the expired session is deleted from Redis",
                () -> !redis.command("KEYS", "rs:*").contains(clusterId));

        assertThat(destroyed.getAsLong()).isEqualTo(1);
        assertThat(count("unbound exp-" + id)).isEqualTo(1);
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("no-session");
    }

    @Test
    @Order(6)
    void stoppingANodeKeepsItsSessionsForTheOthers() {
        Browser browser = new Browser(n1, n2);
        String id = browser.body(n1, "/s?op=set&name=user&value=erin");

        n1.stop();

        assertThat(n1.isRunning()).isFalse();
        assertThat(browser.body(n2, "/s?op=get&name=user")).isEqualTo("erin");
        assertThat(allEvents()).noneMatch(line -> line.contains(id));
    }
}
