package io.redissessions.jetty;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What is particular to locking (lockingMode) on Jetty, beyond the container contract
 * ({@link JettyLockingContractTest}): the lock of a request whose session was renamed, invalidated
 * or whose response was committed before its end is released when the request is done (a lock
 * left behind would hold the session's next requests for the whole lease, and on this node for
 * ever); a locked request never uses a session object that a request outside the uriPattern loaded
 * without the lock. The lease is long, so that a lock left behind cannot run out while a test
 * waits for it to go.
 */
class LockedRequestTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private RedisServer redis;
    private final List<JettyNode> nodes = new ArrayList<>();
    private final String namespace = "locked-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterEach
    void stop() {
        nodes.forEach(JettyNode::close);
        redis.close();
    }

    private JettyNode node(String name, String lockingMode) {
        JettyNode node = JettyNode.builder(name, redis.uri()).store(f -> {
            f.setNamespace(namespace);
            f.setSetting("lockingMode", lockingMode);
            f.setSetting("lockWaitMillis", "30000");
            f.setSetting("lockLeaseMillis", "600000");
        }).start();
        nodes.add(node);
        return node;
    }

    private boolean locked(String id) {
        return redis.command("EXISTS", new SessionKeys("rs:", namespace).lockKey(Browser.clusterId(id))).equals(":1");
    }

    /** Every lock this node's requests took is released, in Redis and on the node. */
    private void awaitAllReleased(JettyNode node, String... ids) {
        Poll.until(BOUND, "the locks are released", () -> node.store().service().locks().heldCount() == 0
                && List.of(ids).stream().noneMatch(this::locked));
    }

    @Test
    void aRequestThatChangesItsSessionIdUnderTheLockKeepsItAndReleasesItAtItsEnd() {
        JettyNode node = node("a", "all");
        Browser browser = Browser.of(node);
        browser.body("/s?op=incr&name=n");
        String oldId = browser.clusterId();
        awaitAllReleased(node, oldId);

        String newId = browser.body("/s?op=changeId&name=user&value=alice");

        assertThat(Browser.clusterId(newId)).isNotEqualTo(oldId);
        awaitAllReleased(node, oldId, newId);
        assertThat(browser.body("/s?op=incr&name=n")).isEqualTo("2");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        awaitAllReleased(node, oldId, newId);
    }

    @Test
    void aSessionInvalidatedUnderTheLockHasItsLockReleased() {
        JettyNode node = node("a", "all");
        Browser browser = Browser.of(node);
        browser.body("/s?op=incr&name=n");
        String id = browser.clusterId();

        assertThat(browser.body("/s?op=invalidate")).isEqualTo("invalidated");

        awaitAllReleased(node, id);
    }

    @Test
    void aLockedRequestWhoseResponseIsCommittedBeforeItsEndSavesAndReleasesWhenItCompletes() {
        JettyNode node = node("a", "all");
        Browser browser = Browser.of(node);
        browser.body("/s?op=incr&name=n");
        String id = browser.clusterId();

        // larger than the response buffer: committed while the servlet writes, before the request ends
        assertThat(browser.body("/s?op=incr&name=n&pad=200000").trim()).isEqualTo("2");

        awaitAllReleased(node, id);
        assertThat(browser.body("/s?op=get&name=n")).isEqualTo("2");
    }

    @Test
    void aLockedRequestReadsUnderTheLockEvenWhileAnUnlockedRequestOfItsNodeHoldsAnOlderCopy() throws Exception {
        JettyNode a = node("a", "uriPattern:/app/cart/.*");
        JettyNode b = node("b", "uriPattern:/app/cart/.*");
        Browser browser = Browser.of(a, b);
        browser.body(0, "/s?op=incr&name=n"); // n = 1
        String gate = namespace + "-unlocked";

        // outside the pattern: loads n = 1 without the lock and stays in flight on node a
        CompletableFuture<Reply> unlocked = browser.getAsync(0, "/s?op=hold&gate=" + gate + "&name=n");
        assertThat(Browser.ok(Browser.getWithSessionId(a, "/s?op=gate-arrivals&gate=" + gate + "&count=1", null)))
                .isEqualTo("arrived");
        assertThat(browser.body(1, "/s?op=incr&name=n")).isEqualTo("2"); // another node changes it meanwhile

        assertThat(browser.body(0, "/cart/s?op=incr&name=n")).as("read under the lock, not node a's older copy")
                .isEqualTo("3");

        Browser.ok(Browser.getWithSessionId(a, "/s?op=gate-release&gate=" + gate, null));
        Browser.ok(unlocked.get(60, TimeUnit.SECONDS));
        assertThat(browser.body(1, "/s?op=get&name=n")).isEqualTo("3");
        awaitAllReleased(a, browser.clusterId());
    }
}
