package io.redissessions.it.spring;

import io.redissessions.it.jetty.JettyHomeNode;
import io.redissessions.it.tomcat.TomcatNode;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

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

    private List<String> tomcats(String namespace, String codec, int count) {
        String manager = "<Manager className=\"io.redissessions.tomcat.RedisSessionManager\" uri=\"" + redis.uri()
                + "\" namespace=\"" + namespace + "\" codec=\"" + codec + "\" allowedClasses=\"" + ALLOWED_CLASSES + "\"/>";
        List<TomcatNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(TomcatNode.install(namespace + "-tomcat" + i, TOMCAT_HOME, WORK, ALL_JAR, webapp, manager));
        }
        running.addAll(nodes);
        startTogether(nodes.stream().<Runnable>map(n -> n::start).toList());
        return nodes.stream().map(TomcatNode::baseUrl).toList();
    }

    private List<String> jettys(String namespace, String codec, int count) {
        List<JettyHomeNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = namespace.replace("-", "") + "jetty" + i;
            nodes.add(JettyHomeNode.create(name, JETTY_HOME, JETTY_OVERLAY, WORK, webapp, RedisServer.freePort(),
                    Map.of("uri", redis.uri(), "namespace", namespace, "codec", codec, "allowedClasses", ALLOWED_CLASSES),
                    Map.of("jetty.sessionIdManager.workerName", name)));
        }
        running.addAll(nodes);
        startTogether(nodes.stream().<Runnable>map(n -> () -> n.start(Map.of())).toList());
        return nodes.stream().map(JettyHomeNode::baseUri).toList();
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

    private void login(List<String> nodes, String namespace) {
        SpringBrowser browser = new SpringBrowser(nodes);
        Supplier<String> logs = () -> logsOf(namespace);

        // a bookmark of a protected page, visited anonymously: the interrupted request is stored
        HttpResponse<String> bookmark = browser.get("/hello?from=bookmark");
        assertThat(bookmark.statusCode()).as(logs).isEqualTo(302);
        assertThat(SpringBrowser.location(bookmark)).startsWith("/login");
        String anonymousSession = browser.sessionId();
        assertThat(anonymousSession).isNotNull();

        // the login page on the other node stores the CSRF token; a wrong password on the first
        // node is checked against it, and the failure is shown by the other node again
        HttpResponse<String> loginPage = browser.get("/login");
        assertThat(loginPage.statusCode()).as(logs).isEqualTo(200);
        HttpResponse<String> wrong = browser.post("/login", Map.of("username", "alice", "password", "wrong",
                "_csrf", SpringBrowser.csrf(loginPage)));
        assertThat(wrong.statusCode()).as(logs).isEqualTo(302);
        assertThat(SpringBrowser.location(wrong)).isEqualTo("/login?error");
        HttpResponse<String> failure = browser.get("/s?op=error");
        assertThat(failure.body()).as("the failure stored by the other node").isEqualTo("Bad credentials");
        HttpResponse<String> error = browser.get("/login?error");
        assertThat(error.statusCode()).as(logs).isEqualTo(200);

        // the login: redirected to the interrupted request, with a new session id
        HttpResponse<String> ok = browser.post("/login", Map.of("username", "alice", "password", "alice-secret",
                "_csrf", SpringBrowser.csrf(error)));
        assertThat(ok.statusCode()).as(logs).isEqualTo(302);
        assertThat(SpringBrowser.location(ok)).as("back to the saved request").startsWith("/hello?from=bookmark");
        assertThat(idPart(browser.sessionId())).as("session id changed at login").isNotEqualTo(idPart(anonymousSession));

        HttpResponse<String> hello = browser.get(SpringBrowser.location(ok));
        assertThat(hello.statusCode()).as(logs).isEqualTo(200);
        assertThat(hello.body()).startsWith("hello alice roles=ROLE_USER basket=1 from=bookmark");
        HttpResponse<String> again = browser.get("/hello");
        assertThat(again.body()).as("the @SessionScope bean, changed on the other node")
                .startsWith("hello alice roles=ROLE_USER basket=2");

        // roles: alice may not see the admin page, on either node
        assertThat(browser.get("/admin").statusCode()).isEqualTo(403);
        assertThat(browser.get("/admin").statusCode()).isEqualTo(403);

        // no password in Redis: Spring Security erases the credentials after the login
        List<String> sessions = sessionKeys(namespace);
        assertThat(sessions).isNotEmpty();
        for (String key : sessions) {
            assertThat(redis.command("HGETALL", key)).doesNotContain("alice-secret");
        }

        // logout on one node is seen on the other
        HttpResponse<String> logout = browser.post("/logout", Map.of("_csrf", SpringBrowser.csrf(again)));
        assertThat(logout.statusCode()).as(logs).isEqualTo(302);
        assertThat(SpringBrowser.location(logout)).isEqualTo("/login?logout");
        HttpResponse<String> afterLogout = browser.get("/hello");
        assertThat(afterLogout.statusCode()).isEqualTo(302);
        assertThat(SpringBrowser.location(afterLogout)).startsWith("/login");

        // an administrator may see the admin page
        HttpResponse<String> loginAgain = browser.get("/login");
        HttpResponse<String> bob = browser.post("/login", Map.of("username", "bob", "password", "bob-secret",
                "_csrf", SpringBrowser.csrf(loginAgain)));
        assertThat(bob.statusCode()).as(logs).isEqualTo(302);
        HttpResponse<String> admin = browser.get("/admin");
        assertThat(admin.statusCode()).as(logs).isEqualTo(200);
        assertThat(admin.body()).isEqualTo("admin bob");
        assertThat(browser.get("/admin").body()).isEqualTo("admin bob");
    }

    /** Jetty appends the node's worker name to the id in the cookie. */
    private static String idPart(String cookie) {
        return cookie.contains(".") ? cookie.substring(0, cookie.indexOf('.')) : cookie;
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

    private void refusedWithJson(List<String> nodes, String namespace) {
        // the interrupted request (DefaultSavedRequest) and the CSRF token (DefaultCsrfToken) have
        // no constructor Jackson can use: setAttribute fails on the node that stores them
        assertThat(new SpringBrowser(nodes).get("/hello?from=bookmark").statusCode()).isEqualTo(500);
        assertThat(new SpringBrowser(nodes).get("/login").statusCode()).isEqualTo(500);

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
