package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.EventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty's own HouseKeeper thread (not the test) drives expiry: it expires sessions at every
 * scavenge, not only at the first, and each one once across nodes. The test waits for scavenges
 * the HouseKeepers completed, never for a time. The rest of expiry is the container contract's
 * ({@link JettyInvalidationAndExpiryContractTest}).
 */
class HouseKeeperTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void houseKeeperExpiresSessionsAtEveryScavengeNotOnlyTheFirstAndEachOnce() throws IOException {
        RedisServer redis = RedisServer.startStandalone();
        resources.add(redis);
        Path dir = Files.createTempDirectory("housekeeper");
        resources.add(() -> TestFiles.deleteRecursively(dir));
        List<JettyNode> nodes = new ArrayList<>();
        for (String name : List.of("nodeA", "nodeB")) {
            JettyNode node = JettyNode.builder(name, redis.uri()).maxInactiveSeconds(1).scavengeIntervalSec(1)
                    .eventsFile(dir.resolve(name + ".log")).start();
            resources.add(node);
            nodes.add(node);
        }
        EventLog events = new EventLog(List.of(dir.resolve("nodeA.log"), dir.resolve("nodeB.log")));
        awaitScavenges(nodes, 1); // past the first scavenge of both nodes

        Browser browser = new Browser(nodes);
        browser.body("/s?op=set&name=user&value=alice");
        String id = browser.clusterId();
        Poll.until(Duration.ofSeconds(30), "a HouseKeeper expires the session", () -> !events.destroyed(id).isEmpty());
        awaitScavenges(nodes, 2);

        assertThat(events.destroyed(id)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("{user=alice}"));
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("no-session");
    }

    /** Waits until every node's HouseKeeper has completed {@code more} scavenges from now. */
    private static void awaitScavenges(List<JettyNode> nodes, int more) {
        long[] target = nodes.stream().mapToLong(n -> n.houseKeeperPasses() + more).toArray();
        Poll.until(Duration.ofSeconds(30), more + " more scavenges of every node's HouseKeeper", () -> {
            for (int i = 0; i < target.length; i++) {
                if (nodes.get(i).houseKeeperPasses() < target[i]) {
                    return false;
                }
            }
            return true;
        });
    }
}
