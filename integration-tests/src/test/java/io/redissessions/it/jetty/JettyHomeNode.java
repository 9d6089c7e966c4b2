package io.redissessions.it.jetty;

import io.redissessions.testing.JavaSources;
import io.redissessions.testing.Poll;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.TestWebapp;
import io.redissessions.testing.web.WebNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One jetty-home node as a user sets it up: a fresh $JETTY_BASE, the redis-sessions overlay
 * unpacked into it, {@code start.jar --add-modules=...}, settings in start.d/*.ini, an exploded
 * webapp in webapps/, then {@code java -jar start.jar} as a process of its own, stopped by its PID.
 * The store logs each expiry pass it completes (DEBUG, one line per scavenge of the webapp's
 * context), which {@link #awaitScavenges} counts.
 * Public for the mixed Tomcat-and-Jetty test ({@code io.redissessions.it.mixed}).
 */
public final class JettyHomeNode implements WebNode, AutoCloseable {

    private final String name;
    private final Path home;
    private final Path base;
    private final int port;
    private Process process;

    /** The store's logger: at DEBUG it logs "expiry pass completed for namespace ..." once per pass. */
    private static final String STORE_LOGGER = "io.redissessions.jetty.RedisSessionDataStore";
    private static final String PASS_COMPLETED = "expiry pass completed for namespace";

    private JettyHomeNode(String name, Path home, Path base, int port) {
        this.name = name;
        this.home = home;
        this.base = base;
        this.port = port;
    }

    /** Creates the base: overlay, modules, ini settings, webapp. */
    public static JettyHomeNode create(String name, Path home, Path overlay, Path workDir, Path webapp, int port,
                                Map<String, String> redisSettings, Map<String, String> sessionSettings) {
        try {
            Path base = workDir.resolve("base-" + name);
            TestFiles.deleteRecursively(base);
            Files.createDirectories(base);
            TestFiles.copyTree(overlay, base);
            JettyHomeNode node = new JettyHomeNode(name, home, base, port);
            node.startJar(List.of("--add-modules=http,ee10-deploy,session-store-redis"), Duration.ofSeconds(60));
            append(base.resolve("start.d/session-store-redis.ini"), redisSettings, "jetty.session.redis.");
            append(base.resolve("start.d/sessions.ini"), sessionSettings, "");
            TestFiles.copyTree(webapp, base.resolve("webapps/app"));
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(Path ini, Map<String, String> settings, String prefix) throws IOException {
        StringBuilder sb = new StringBuilder("\n## set by the integration test\n");
        settings.forEach((k, v) -> sb.append(prefix).append(k).append('=').append(v).append('\n'));
        Files.writeString(ini, sb.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Runs start.jar to completion (module setup, listing). */
    String startJar(List<String> args, Duration timeout) {
        try {
            List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", home.resolve("start.jar").toString(),
                    "jetty.home=" + home, "jetty.base=" + base));
            cmd.addAll(args);
            Path out = base.resolve("start-jar.log");
            Process p = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("start.jar " + args + " did not finish");
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("start.jar " + args + " failed: " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server process and waits until the webapp answers. */
    public void start(Map<String, String> environment) {
        try {
            List<String> cmd = List.of(javaBin(), "-D" + STORE_LOGGER + ".LEVEL=DEBUG",
                    "-jar", home.resolve("start.jar").toString(),
                    "jetty.home=" + home, "jetty.base=" + base,
                    "jetty.http.host=127.0.0.1", "jetty.http.port=" + port);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            pb.environment().putAll(environment);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Poll.until(Duration.ofSeconds(90), name + " serves /app", () -> {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited: " + logText()); // an Error: Poll does not retry it
            }
            return Browser.getWithSessionId(this, "/s?op=ping", null).status() == 200;
        });
    }

    private String logText() {
        try {
            return Files.readString(log(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public String name() {
        return name;
    }

    public Path base() {
        return base;
    }

    public Path log() {
        return base.resolve("jetty.log");
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port + "/app";
    }

    /** Stops the process by its PID: SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        ProcessHandle handle = process.toHandle();
        handle.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /**
     * The test webapp ({@link TestWebapp}) compiled against the servlet API of the test class path
     * (jakarta.servlet-api 6.0, what jetty-home's ee10 provides), in {@code dir}.
     */
    public static Path webapp(Path dir) {
        return TestWebapp.build(dir, List.of(JavaSources.locationOf(jakarta.servlet.http.HttpServlet.class)), false);
    }

    /** Expiry passes this node's store has completed so far (its {@code expiryPasses}), counted in its log. */
    public long expiryPassesCompleted() {
        try (Stream<String> lines = Files.lines(log(), StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(PASS_COMPLETED)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns once this node has completed {@code passes} scavenges that began after the call. The
     * store counts (and logs) a pass when its claims are made, and Jetty destroys what it claimed
     * right after, before its next scavenge (the HouseKeeper runs them one after another): the
     * first pass counted after the call may have begun before it, and the last one is complete
     * once the next one is counted. So that is {@code passes + 2} more.
     */
    public void awaitScavenges(int passes) {
        long target = expiryPassesCompleted() + passes + 2;
        Poll.until(Duration.ofSeconds(60), passes + " more expiry passes of " + name,
                () -> expiryPassesCompleted() >= target);
    }

    @Override
    public String toString() {
        return name;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
