package io.redissessions.it.spring;

import io.redissessions.it.jetty.JettyHomeNode;
import io.redissessions.it.tomcat.TomcatNode;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.WebNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring MVC 7 + Spring Security 7 webapp (form login, CSRF, a page for role ADMIN, logout, a
 * {@code @SessionScope} bean) on two real Tomcat 11 processes and on two real jetty-home
 * processes, behind a client that sends every request to the other node: with {@code codec=java}
 * and the allowedClasses of docs/frameworks.md everything works across nodes; with the default
 * {@code json} the application's own {@code setAttribute} fails, with a message that names
 * {@code codec=java}.
 */
class SpringSecurityIT {

    /** The recipe of docs/frameworks.md, with the webapp's package for com.acme.*. */
    static final String ALLOWED_CLASSES = SpringWebapp.PACKAGE + ".*,org.springframework.security.*,"
            + "java.lang.Throwable,java.lang.Exception,java.lang.RuntimeException,java.lang.StackTraceElement";

    private static final Path WORK = Path.of(System.getProperty("spring.work"));
    private static final Path TOMCAT_HOME = Path.of(System.getProperty("tomcat11.home"));
    private static final Path ALL_JAR = Path.of(System.getProperty("tomcat.allJar"));
    private static final Path JETTY_HOME = Path.of(System.getProperty("jetty.home.dir"));
    private static final Path JETTY_OVERLAY = Path.of(System.getProperty("jetty.overlay.dir"));

    private static RedisServer redis;
    private static Path webapp;
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeAll
    static void startRedisAndBuildTheWebapp() {
        redis = RedisServer.startStandalone();
        webapp = SpringWebapp.build(WORK.resolve("webapp"), Path.of(System.getProperty("spring.lib")));
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (AutoCloseable node : running) {
            node.close();
        }
    }

    // ------------------------------------------------------------------ the nodes

    private List<WebNode> tomcats(String namespace, String codec, int count) {
        String manager = "<Manager className=\"io.redissessions.tomcat.RedisSessionManager\" uri=\"" + redis.uri()
                + "\" namespace=\"" + namespace + "\" codec=\"" + codec + "\" allowedClasses=\"" + ALLOWED_CLASSES + "\"/>";
        List<TomcatNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(TomcatNode.install(namespace + "-tomcat" + i, TOMCAT_HOME, WORK, ALL_JAR, webapp, manager));
        }
        running.addAll(nodes);
        startTogether(nodes.stream().<Runnable>map(n -> n::start).toList());
        return List.copyOf(nodes);
    }

    private List<WebNode> jettys(String namespace, String codec, int count) {
        List<JettyHomeNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = namespace.replace("-", "") + "jetty" + i;
            nodes.add(JettyHomeNode.create(name, JETTY_HOME, JETTY_OVERLAY, WORK, webapp, RedisServer.freePort(),
                    Map.of("uri", redis.uri(), "namespace", namespace, "codec", codec, "allowedClasses", ALLOWED_CLASSES),
                    Map.of("jetty.sessionIdManager.workerName", name)));
        }
        running.addAll(nodes);
        startTogether(nodes.stream().<Runnable>map(n -> () -> n.start(Map.of())).toList());
        return List.copyOf(nodes);
    }

    /** Starts the nodes in parallel: each start waits until its webapp answers. */
    private static void startTogether(List<Runnable> starts) {
        CompletableFuture.allOf(starts.stream().map(CompletableFuture::runAsync).toArray(CompletableFuture[]::new)).join();
    }

    private String logsOf(String namespace) {
        StringBuilder all = new StringBuilder();
        try (var files = Files.walk(WORK)) {
            for (Path f : files.filter(Files::isRegularFile).filter(p -> p.toString().contains(namespace.replace("-", ""))
                    || p.toString().contains(namespace)).filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                all.append(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString();
    }

    // ------------------------------------------------------------------ codec=java: everything works

    @Test
    void theRecipeOfTheDocsIsTheOneThisTestUses() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docs/frameworks.md"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("docs/frameworks.md above the module directory").isNotNull();
        String doc = Files.readString(dir.resolve("docs/frameworks.md"));
        String recipe = ALLOWED_CLASSES.replace(SpringWebapp.PACKAGE + ".*", "com.acme.*");
        assertThat(doc).contains("codec=\"java\"\n         allowedClasses=\"" + recipe + "\"/>")
                .contains("jetty.session.redis.codec=java\njetty.session.redis.allowedClasses=" + recipe + "\n");
    }

    @Test
    void springSecurityLoginTravelsBetweenTwoTomcatNodesWithCodecJava() {
        login(tomcats("spring-tomcat", "java", 2), "spring-tomcat");
    }

    @Test
    void springSecurityLoginTravelsBetweenTwoJettyNodesWithCodecJava() {
        login(jettys("spring-jetty", "java", 2), "spring-jetty");
    }

    private void login(List<WebNode> nodes, String namespace) {
        Browser browser = new Browser(nodes);
        Supplier<String> logs = () -> logsOf(namespace);

        // a bookmark of a protected page, visited anonymously: the interrupted request is stored
        Reply bookmark = browser.get("/hello?from=bookmark");
        assertThat(bookmark.status()).as(logs).isEqualTo(302);
        assertThat(location(bookmark)).startsWith("/login");
        String anonymousSession = browser.sessionId().orElse(null);
        assertThat(anonymousSession).isNotNull();

        // the login page on the other node stores the CSRF token; a wrong password on the first
        // node is checked against it, and the failure is shown by the other node again
        Reply loginPage = browser.get("/login");
        assertThat(loginPage.status()).as(logs).isEqualTo(200);
        Reply wrong = browser.post("/login", Browser.form("username", "alice", "password", "wrong",
                "_csrf", csrf(loginPage)));
        assertThat(wrong.status()).as(logs).isEqualTo(302);
        assertThat(location(wrong)).isEqualTo("/login?error");
        Reply failure = browser.get("/s?op=error");
        assertThat(failure.body()).as("the failure stored by the other node").isEqualTo("Bad credentials");
        Reply error = browser.get("/login?error");
        assertThat(error.status()).as(logs).isEqualTo(200);

        // the login: redirected to the interrupted request, with a new session id
        Reply ok = browser.post("/login", Browser.form("username", "alice", "password", "alice-secret",
                "_csrf", csrf(error)));
        assertThat(ok.status()).as(logs).isEqualTo(302);
        assertThat(location(ok)).as("back to the saved request").startsWith("/hello?from=bookmark");
        assertThat(browser.clusterId()).as("session id changed at login").isNotEqualTo(Browser.clusterId(anonymousSession));

        Reply hello = browser.get(location(ok));
        assertThat(hello.status()).as(logs).isEqualTo(200);
        assertThat(hello.body()).startsWith("hello alice roles=ROLE_USER basket=1 from=bookmark");
        // Spring MVC flushes its response before the request ends, and Tomcat's valve saves when it
        // ends: the next request may reach the other node first (a limit docs/tomcat.md states).
        // What is checked here is that the bean travels: once saved, it is read on the other node.
        Poll.until(Duration.ofSeconds(10), "the @SessionScope bean saved in Redis", () -> sessionKeys(namespace)
                .stream().anyMatch(k -> redis.command("HKEYS", k).contains("scopedTarget.basket")));
        Reply again = browser.get("/hello");
        assertThat(again.body()).as("the @SessionScope bean, changed on the other node")
                .startsWith("hello alice roles=ROLE_USER basket=2");

        // roles: alice may not see the admin page, on either node
        assertThat(browser.get("/admin").status()).isEqualTo(403);
        assertThat(browser.get("/admin").status()).isEqualTo(403);

        // no password in Redis: Spring Security erases the credentials after the login
        List<String> sessions = sessionKeys(namespace);
        assertThat(sessions).isNotEmpty();
        for (String key : sessions) {
            assertThat(redis.command("HGETALL", key)).doesNotContain("alice-secret");
        }

        // logout on one node is seen on the other
        Reply logout = browser.post("/logout", Browser.form("_csrf", csrf(again)));
        assertThat(logout.status()).as(logs).isEqualTo(302);
        assertThat(location(logout)).isEqualTo("/login?logout");
        Reply afterLogout = browser.get("/hello");
        assertThat(afterLogout.status()).isEqualTo(302);
        assertThat(location(afterLogout)).startsWith("/login");

        // an administrator may see the admin page
        Reply loginAgain = browser.get("/login");
        Reply bob = browser.post("/login", Browser.form("username", "bob", "password", "bob-secret",
                "_csrf", csrf(loginAgain)));
        assertThat(bob.status()).as(logs).isEqualTo(302);
        Reply admin = browser.get("/admin");
        assertThat(admin.status()).as(logs).isEqualTo(200);
        assertThat(admin.body()).isEqualTo("admin bob");
        assertThat(browser.get("/admin").body()).isEqualTo("admin bob");
    }

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|csrf=(\\S+)");

    /** The part of a redirect's Location below the webapp: {@code http://host:port/app/login?x} gives {@code /login?x}. */
    private static String location(Reply r) {
        String location = r.location();
        if (location == null) {
            throw new AssertionError(r + " without Location");
        }
        int app = location.indexOf("/app");
        return app >= 0 ? location.substring(app + "/app".length()) : location;
    }

    /** The CSRF token of a login form or of one of the test's pages. */
    private static String csrf(Reply page) {
        Matcher m = CSRF.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("no CSRF token in " + page);
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    // ------------------------------------------------------------------ json: refused in the application's call

    @Test
    void withJsonTomcatRefusesSpringSecurityObjectsInTheApplicationsOwnCall() {
        refusedWithJson(tomcats("spring-json-tomcat", "json", 1), "spring-json-tomcat");
    }

    @Test
    void withJsonJettyRefusesSpringSecurityObjectsInTheApplicationsOwnCall() {
        refusedWithJson(jettys("spring-json-jetty", "json", 1), "spring-json-jetty");
    }

    private void refusedWithJson(List<WebNode> nodes, String namespace) {
        // the interrupted request (DefaultSavedRequest) and the CSRF token (DefaultCsrfToken) have
        // no constructor Jackson can use: setAttribute fails on the node that stores them
        assertThat(new Browser(nodes).get("/hello?from=bookmark").status()).isEqualTo(500);
        assertThat(new Browser(nodes).get("/login").status()).isEqualTo(500);

        String logs = logsOf(namespace);
        assertThat(logs).contains("Cannot store session attribute 'SPRING_SECURITY_SAVED_REQUEST'",
                "org.springframework.security.web.savedrequest.DefaultSavedRequest", "codec=java");
        assertThat(logs).contains("org.springframework.security.web.csrf.DefaultCsrfToken", "would not decode");
        for (String key : sessionKeys(namespace)) {
            assertThat(redis.command("HKEYS", key)).as("what the sessions hold")
                    .doesNotContain("SPRING_SECURITY_SAVED_REQUEST").doesNotContain("CSRF_TOKEN");
        }
    }

    /** The session hashes of a namespace: {@code rs:{<namespace>:NN}:s:<id>}. */
    private static List<String> sessionKeys(String namespace) {
        return redis.command("KEYS", "*{" + namespace + ":*}:s:*").lines().filter(l -> !l.isBlank()).toList();
    }
}
