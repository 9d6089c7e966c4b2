package io.redissessions.it.jetty;

import io.redissessions.it.jetty.TestWebapps.Login;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module on the other Jetty releases a user may run: the oldest and the newest 12.0.x and the
 * oldest 12.1.x that Maven Central serves ({@code jetty.versions.tested}; the newest 12.1.x is
 * {@link JettyHomeDistributionIT}'s), each as two jetty-home processes with an ee10 webapp:
 * concurrent requests of one session on both nodes lose nothing and fail nowhere, and a FORM login
 * (with the POST it interrupted) travels between the nodes.
 */
class JettyVersionsIT {

    private static final Path HOMES = Path.of(System.getProperty("jetty.homes.dir"));
    private static final Path OVERLAY = Path.of(System.getProperty("jetty.overlay.dir"));
    private static final Path WORK = Path.of(System.getProperty("jetty.work.dir"));

    private static RedisServer redis;

    static Stream<String> versions() {
        return Arrays.stream(System.getProperty("jetty.versions.tested").split(",")).map(String::trim);
    }

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @ParameterizedTest(name = "Jetty {0}")
    @MethodSource("versions")
    void concurrentRequestsOfOneSessionLoseNothingAndLoginsTravel(String version) throws Exception {
        Path home = HOMES.resolve("jetty-home-" + version);
        assertThat(Files.isDirectory(home)).as(home + " (unpacked by the build)").isTrue();
        Path work = WORK.resolve("v" + version);
        Path webapp = TestWebapps.build(work, "app", "ee10", Login.FORM, home);
        List<JettyHomeNode> nodes = new ArrayList<>();
        try {
            // both bases set up at once: each is a start.jar run of its own
            nodes.addAll(List.of("nodeA", "nodeB").parallelStream().map(name -> JettyHomeNode.create(name, home, OVERLAY,
                    work, RedisServer.freePort(), new JettyHomeNode.Setup(
                            List.of("http", "ee10-deploy", "session-store-redis", TestWebapps.REALM_MODULE),
                            List.of(new JettyHomeNode.Webapp("app", webapp, null)),
                            Map.of("uri", redis.uri(), "allowedClasses", "io.redissessions.it.jetty.webapp.*",
                                    "namespace", "v" + version),
                            Map.of("jetty.sessionIdManager.workerName", name),
                            TestWebapps.realmModule()))).toList());
            nodes.parallelStream().forEach(node -> node.start(Map.of("IT_EVENTS", work.resolve(node.name() + "-events.log").toString())));
            assertThat(Files.readString(nodes.get(0).log())).contains("jetty-" + version + ";")
                    .contains("keeps its sessions in Redis");

            SameSessionLoad.Result r = SameSessionLoad.run(nodes, "app", 6, 2, 25);
            assertThat(r.failuresByStatus()).as(r.toString()).isEmpty();
            assertThat(r.lost()).as(r.toString()).isZero();

            LoginScenarios.postSurvivesTheLogin(nodes, "app", true);
            HomeBrowser browser = LoginScenarios.formLoginTravels(nodes, redis, "v" + version, "app");
            LoginScenarios.logoutIsSeenOnBoth(nodes, browser, "app");
        } finally {
            nodes.forEach(JettyHomeNode::close);
        }
    }
}
