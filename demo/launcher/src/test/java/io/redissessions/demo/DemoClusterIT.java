package io.redissessions.demo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs {@code demo/run.sh --no-build --smoke} exactly as a user would run the demo: Redis, two
 * Tomcat and two Jetty nodes installed from the real distributions, the load balancer, and
 * through it one session (counter, cart changed in place, login, logout) across every node.
 *
 * <p>Bounded: the script gets {@value #TIMEOUT_SECONDS} s (it needs about 25 s on two cores once
 * the distributions are in the local Maven repository); on timeout it is sent SIGTERM, which
 * makes it stop every process it started, by PID. Free ports are passed in, so a developer's
 * own Redis on 6379 or anything on 8080 does not matter.
 *
 * <p>Needs curl (the script's smoke check uses it; .ci/run installs it).
 */
class DemoClusterIT {

    /** A bound against a hung script, not a speed check: four JVMs start on two cores, sometimes loaded. */
    private static final long TIMEOUT_SECONDS = 240;
    private static final String TOMCAT_ADAPTER = "tomcat-valve/src/main/java/io/redissessions/tomcat/RedisSessionManager.java";
    private static final String JETTY_ADAPTER = "jetty-session/src/main/java/io/redissessions/jetty/RedisSessionDataStoreFactory.java";

    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("demo/run.sh"))) {
            p = p.getParent();
        }
        assertThat(p).as("the project root (with demo/run.sh) above " + Path.of("").toAbsolutePath()).isNotNull();
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void oneSessionSurvivesEveryNodeBehindTheRoundRobinBalancer() throws Exception {
        Path root = root();
        assertThat(root.resolve(TOMCAT_ADAPTER)).as("the Tomcat adapter").isRegularFile();
        assertThat(root.resolve(JETTY_ADAPTER)).as("the Jetty adapter").isRegularFile();
        io.redissessions.testing.RedisAssumptions.require(onPath("curl"),
                "demo/run.sh --smoke needs curl: apt-get install curl", System::getenv);
        String version = System.getProperty("project.version");
        assertThat(version).as("system property project.version (set by the pom)").isNotBlank();
        for (String artifact : List.of("tomcat-valve/target/redis-sessions-tomcat-" + version + "-all.jar",
                "jetty-session/target/redis-sessions-jetty-" + version + "-jetty-base.tar.gz",
                "demo/webapp/target/demo.war", "demo/launcher/target/demo-balancer.jar")) {
            assertThat(root.resolve(artifact)).as("built before this test (./mvnw package)").isRegularFile();
        }

        Path work = root.resolve("demo/launcher/target/demo-it");
        Path log = root.resolve("demo/launcher/target/demo-it.log");
        Files.createDirectories(work);
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("demo/run.sh").toString(), "--no-build", "--smoke")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("DEMO_WORK", work.toString());
        env.put("DEMO_PORT", Integer.toString(freePort()));
        env.put("DEMO_REDIS_PORT", Integer.toString(freePort()));
        env.put("DEMO_NODE_PORT", Integer.toString(freePort()));
        Process script = pb.start();
        boolean done = script.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!done) {
            stop(script);
        }
        String output = Files.readString(log);
        if (!done) {
            fail("demo/run.sh --smoke did not finish in " + TIMEOUT_SECONDS + " s:\n" + output);
        }
        assertThat(script.exitValue()).as(output).isZero();
        assertThat(output).contains("smoke: OK");
    }

    /** SIGTERM to the script: its trap stops what it started. Whatever is left, by PID. */
    private static void stop(Process script) throws InterruptedException {
        List<ProcessHandle> started = new ArrayList<>(script.descendants().toList());
        script.destroy();
        script.waitFor(20, TimeUnit.SECONDS);
        for (ProcessHandle p : started) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        script.destroyForcibly();
    }
}
