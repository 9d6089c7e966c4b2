package io.redissessions.it.jetty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One jetty-home node as a user sets it up: a fresh $JETTY_BASE, the redis-sessions overlay
 * unpacked into it, {@code start.jar --add-modules=...}, settings in start.d/*.ini, an exploded
 * webapp in webapps/, then {@code java -jar start.jar} as a process of its own, stopped by its PID.
 * Public for the mixed Tomcat-and-Jetty test ({@code io.redissessions.it.mixed}).
 */
public final class JettyHomeNode implements AutoCloseable {

    private final String name;
    private final Path home;
    private final Path base;
    private final int port;
    private Process process;

    private JettyHomeNode(String name, Path home, Path base, int port) {
        this.name = name;
        this.home = home;
        this.base = base;
        this.port = port;
    }

    /** A webapp to deploy: an exploded directory, its context name, and its environment (null: the default). */
    public record Webapp(String context, Path dir, String environment) {
    }

    /**
     * How a node is set up: the modules to add, the webapps, the redis-sessions settings
     * ({@code jetty.session.redis.<name>}), Jetty's session settings, and files of the base
     * (relative path to content, e.g. a module of the test's own).
     */
    public record Setup(List<String> modules, List<Webapp> webapps, Map<String, String> redisSettings,
                        Map<String, String> sessionSettings, Map<String, String> baseFiles) {
    }

    /** Creates the base: overlay, modules, ini settings, webapp at /app (ee10). */
    public static JettyHomeNode create(String name, Path home, Path overlay, Path workDir, Path webapp, int port,
                                Map<String, String> redisSettings, Map<String, String> sessionSettings) {
        return create(name, home, overlay, workDir, port, new Setup(List.of("http", "ee10-deploy", "session-store-redis"),
                List.of(new Webapp("app", webapp, null)), redisSettings, sessionSettings, Map.of()));
    }

    /** Creates the base: overlay, base files, modules, ini settings, webapps. */
    public static JettyHomeNode create(String name, Path home, Path overlay, Path workDir, int port, Setup setup) {
        try {
            Path base = workDir.resolve("base-" + name);
            deleteRecursively(base);
            Files.createDirectories(base);
            copyRecursively(overlay, base);
            for (Map.Entry<String, String> f : setup.baseFiles().entrySet()) {
                Path target = base.resolve(f.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, f.getValue());
            }
            JettyHomeNode node = new JettyHomeNode(name, home, base, port);
            node.startJar(List.of("--add-modules=" + String.join(",", setup.modules())), Duration.ofSeconds(60));
            append(base.resolve("start.d/session-store-redis.ini"), setup.redisSettings(), "jetty.session.redis.");
            append(base.resolve("start.d/sessions.ini"), setup.sessionSettings(), "");
            for (Webapp w : setup.webapps()) {
                copyRecursively(w.dir(), base.resolve("webapps").resolve(w.context()));
                if (w.environment() != null) {
                    Files.writeString(base.resolve("webapps").resolve(w.context() + ".properties"),
                            "environment=" + w.environment() + "\n");
                }
            }
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
            List<String> cmd = List.of(javaBin(), "-jar", home.resolve("start.jar").toString(),
                    "jetty.home=" + home, "jetty.base=" + base,
                    "jetty.http.host=127.0.0.1", "jetty.http.port=" + port);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            pb.environment().putAll(environment);
            process = pb.start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited: " + Files.readString(log()));
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUri() + "/s?op=none"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException(name + " did not answer in time: " + Files.readString(log()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String name() {
        return name;
    }

    public Path base() {
        return base;
    }

    public Path log() {
        return base.resolve("jetty.log");
    }

    public String baseUri() {
        return uri("app");
    }

    /** The URI of a webapp of this node, e.g. {@code http://127.0.0.1:8080/app9}. */
    public String uri(String context) {
        return "http://127.0.0.1:" + port + "/" + context;
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

    @Override
    public String toString() {
        return name;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
