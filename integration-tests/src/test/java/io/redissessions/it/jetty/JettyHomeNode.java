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
 * unpacked into it, {@code start.jar --add-modules=...}, settings in start.d/*.ini, exploded
 * webapps in webapps/ (each in an environment: ee8 to ee11), then {@code java -jar start.jar} as a
 * process of its own, stopped by its PID. As a {@link WebNode} it is its webapp at {@code /app};
 * {@link #at} gives its other webapps. The store logs each expiry pass it completes (DEBUG, one
 * line per scavenge of a context, naming its namespace), which {@link #awaitScavenges} counts.
 * Public for the mixed Tomcat-and-Jetty test ({@code io.redissessions.it.mixed}) and the Spring
 * test.
 */
public final class JettyHomeNode implements WebNode, AutoCloseable {

    /** The module of a base that adds the realm of the webapp's login variants ({@link #realmModule()}). */
    public static final String REALM_MODULE = "test-realm";

    /** The store's logger: at DEBUG it logs "expiry pass completed for namespace 'N'" once per pass. */
    private static final String STORE_LOGGER = "io.redissessions.jetty.RedisSessionDataStore";
    private static final String PASS_COMPLETED = "expiry pass completed for namespace";

    private final String name;
    private final Path home;
    private final Path base;
    private final int port;
    private final List<String> contexts;
    private Process process;

    private JettyHomeNode(String name, Path home, Path base, int port, List<String> contexts) {
        this.name = name;
        this.home = home;
        this.base = base;
        this.port = port;
        this.contexts = List.copyOf(contexts);
    }

    /** A webapp to deploy: its context name, an exploded directory, and its environment (null: the default, ee10). */
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

    /** Creates the base: overlay, modules, ini settings, {@code webapp} at /app (ee10). */
    public static JettyHomeNode create(String name, Path home, Path overlay, Path workDir, Path webapp, int port,
                                       Map<String, String> redisSettings, Map<String, String> sessionSettings) {
        return create(name, home, overlay, workDir, port, new Setup(List.of("http", "ee10-deploy", "session-store-redis"),
                List.of(new Webapp("app", webapp, null)), redisSettings, sessionSettings, Map.of()));
    }

    /** Creates the base: overlay, base files, modules, ini settings, webapps. */
    public static JettyHomeNode create(String name, Path home, Path overlay, Path workDir, int port, Setup setup) {
        try {
            Path base = workDir.resolve("base-" + name);
            TestFiles.deleteRecursively(base);
            Files.createDirectories(base);
            TestFiles.copyTree(overlay, base);
            for (Map.Entry<String, String> f : setup.baseFiles().entrySet()) {
                Path target = base.resolve(f.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
            }
            JettyHomeNode node = new JettyHomeNode(name, home, base, port,
                    setup.webapps().stream().map(Webapp::context).toList());
            node.startJar(List.of("--add-modules=" + String.join(",", setup.modules())), Duration.ofSeconds(60));
            append(base.resolve("start.d/session-store-redis.ini"), setup.redisSettings(), "jetty.session.redis.");
            append(base.resolve("start.d/sessions.ini"), setup.sessionSettings(), "");
            for (Webapp w : setup.webapps()) {
                TestFiles.copyTree(w.dir(), base.resolve("webapps").resolve(w.context()));
                if (w.environment() != null) {
                    Files.writeString(base.resolve("webapps").resolve(w.context() + ".properties"),
                            "environment=" + w.environment() + "\n", StandardCharsets.UTF_8);
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

    /** Starts the server process and waits until every webapp answers. */
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
        for (String context : contexts) {
            Poll.until(Duration.ofSeconds(90), name + " serves /" + context, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError(name + " exited: " + logText()); // an Error: Poll does not retry it
                }
                return Browser.getWithSessionId(at(context), "/s?op=ping", null).status() == 200;
            });
        }
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
        return at("app").baseUrl();
    }

    /** This node's webapp at {@code /<context>}, e.g. {@code app9}, as a browser sees it. */
    public WebNode at(String context) {
        return new Context(name, "http://127.0.0.1:" + port + "/" + context);
    }

    private record Context(String name, String baseUrl) implements WebNode {
        @Override
        public String toString() {
            return name + " " + baseUrl;
        }
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
     * The test webapp ({@link TestWebapp}, no login) compiled against the servlet API of the test
     * class path (jakarta.servlet-api 6.0, what jetty-home's ee10 provides), in {@code dir}.
     */
    public static Path webapp(Path dir) {
        return TestWebapp.build(dir, List.of(JavaSources.locationOf(jakarta.servlet.http.HttpServlet.class)),
                TestWebapp.Login.NONE);
    }

    /**
     * The test webapp for an environment of {@code home} (ee8, ee9, ee10, ee11), compiled against
     * the servlet API that jetty-home gives that environment (ee8: {@code javax.servlet} 4), with a
     * login variant, in {@code dir}.
     */
    public static Path webapp(Path dir, Path home, String environment, TestWebapp.Login login) {
        return switch (environment) {
            case "ee8" -> TestWebapp.build(dir, List.of(lib(home, "jetty-servlet-api-4\\..*\\.jar")), login,
                    TestWebapp.Servlet.JAVAX_4);
            case "ee9" -> TestWebapp.build(dir, List.of(lib(home, "jetty-jakarta-servlet-api-5\\..*\\.jar")), login,
                    TestWebapp.Servlet.JAKARTA_5);
            case "ee10", "ee11" -> TestWebapp.build(dir, List.of(lib(home, "jakarta\\.servlet-api-6\\..*\\.jar")), login,
                    TestWebapp.Servlet.JAKARTA_6);
            default -> throw new IllegalArgumentException("unknown environment " + environment);
        };
    }

    /** The jar of jetty-home's lib/ whose name matches {@code pattern}. */
    private static Path lib(Path home, String pattern) {
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            return jars.filter(j -> j.getFileName().toString().matches(pattern)).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + pattern + " in " + home.resolve("lib")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Files of a base that add module {@value #REALM_MODULE}: a HashLoginService named
     * {@value TestWebapp#REALM} with the users of {@link TestWebapp#USERS}, for the webapp's login
     * variants.
     */
    public static Map<String, String> realmModule() {
        StringBuilder users = new StringBuilder();
        for (TestWebapp.User user : TestWebapp.USERS) {
            StringBuilder roles = new StringBuilder();
            user.roles().forEach(role -> roles.append("<Item>").append(role).append("</Item>"));
            users.append("""
                                <Call name="addUser"><Arg>%s</Arg>
                                  <Arg><Call class="org.eclipse.jetty.util.security.Credential" name="getCredential"><Arg>%s</Arg></Call></Arg>
                                  <Arg><Array type="String">%s</Array></Arg>
                                </Call>
                    """.formatted(user.name(), user.password(), roles));
        }
        return Map.of("modules/" + REALM_MODULE + ".mod", """
                [description]
                The realm of the redis-sessions test webapp's login variants.

                [depends]
                security

                [xml]
                etc/%s.xml
                """.formatted(REALM_MODULE), "etc/" + REALM_MODULE + ".xml", """
                <?xml version="1.0"?>
                <!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">
                <Configure id="Server" class="org.eclipse.jetty.server.Server">
                  <Call name="addBean">
                    <Arg>
                      <New class="org.eclipse.jetty.security.HashLoginService">
                        <Set name="name">%s</Set>
                        <Set name="userStore">
                          <New class="org.eclipse.jetty.security.UserStore">
                %s          </New>
                        </Set>
                      </New>
                    </Arg>
                  </Call>
                </Configure>
                """.formatted(TestWebapp.REALM, users));
    }

    /** Expiry passes this node's store has completed so far for {@code namespace}, counted in its log. */
    public long expiryPassesCompleted(String namespace) {
        String line = PASS_COMPLETED + " '" + namespace + "'";
        try (Stream<String> lines = Files.lines(log(), StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(line)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns once this node has completed {@code passes} scavenges of the context with
     * {@code namespace} that began after the call. The store counts (and logs) a pass when its
     * claims are made, and Jetty destroys what it claimed right after, before its next scavenge
     * (the HouseKeeper runs them one after another): the first pass counted after the call may
     * have begun before it, and the last one is complete once the next one is counted. So that is
     * {@code passes + 2} more.
     */
    public void awaitScavenges(String namespace, int passes) {
        long target = expiryPassesCompleted(namespace) + passes + 2;
        Poll.until(Duration.ofSeconds(60), passes + " more expiry passes of " + namespace + " on " + name,
                () -> expiryPassesCompleted(namespace) >= target);
    }

    @Override
    public String toString() {
        return name;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
