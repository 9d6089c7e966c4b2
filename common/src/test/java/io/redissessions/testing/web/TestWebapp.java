package io.redissessions.testing.web;

import io.redissessions.testing.JavaSources;
import io.redissessions.testing.TestFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one test webapp of every container test, as an exploded directory: {@code WEB-INF/web.xml}
 * and {@code WEB-INF/classes}, compiled at test time against the container's own servlet API
 * (common may not depend on one). Its sources are resources of this test-jar
 * ({@code io/redissessions/testing/webapp/com/example/webapp/*.java}); nothing on a test class
 * path has its classes, so only the webapp's class loader sees them.
 *
 * <p>{@code /s?op=...} and {@code /cart/s?op=...} (SessionServlet; the second path for a
 * {@code lockingMode=uriPattern:} that matches one of them), plain text answers:
 * <pre>
 * ping | none                      pong (no session)
 * set&amp;name=N&amp;value=V              sets a String, answers the session id (creates one)
 * get&amp;name=N                       the value, "null", or "no-session" (never creates one)
 * names | remove&amp;name=N | id | created | valid | user | server | visible&amp;name=CLASS
 * append&amp;name=N&amp;value=V           adds to a List kept in the session, in place after the first call
 * incr&amp;name=N[&amp;gate=G&amp;parties=K]   n+1 under synchronized (session); see SessionServlet#increment
 * basket-add&amp;value=V | basket       a Basket (a class of the webapp's own), changed in place;
 *                                  "basket" answers "[items] loader=webapp|other"
 * tracked&amp;name=N&amp;value=LABEL        a Tracked value: its valueUnbound is logged
 * invalidate | setMaxInactive&amp;value=S | getMaxInactive | async&amp;name=N&amp;value=V
 * changeId[&amp;name=N&amp;value=V]       changes the id (after setting N=V in the same request); answers the new id
 * new-then-invalidate&amp;value=LABEL  a new session (user=alice, a Tracked LABEL) invalidated in the same request
 * lookups&amp;times=K                 asks for the session K times, catching failures: "failures=F"
 * hold&amp;gate=G&amp;name=N[&amp;then=set&amp;value=V | &amp;then=incr | &amp;then=invalidate][&amp;after=G2]
 *                                  loads the session, reads N, waits at gate G until released,
 *                                  acts, then (with after) waits at gate G2 until released
 * gate-arrivals&amp;gate=G&amp;count=K     waits until K requests arrived at G ("arrived", or 504)
 * gate-release&amp;gate=G              releases G
 * any op ...&amp;pad=N                 N spaces after the answer (more than the container's response
 *                                  buffer: the response is committed while the servlet writes)
 * </pre>
 * The login variants ({@link Login#FORM}, {@link Login#BASIC}) protect {@code /protected/*} (role
 * {@code user}) and {@code /admin/*} (role {@code admin}); FORM logs in at {@code /login} and
 * {@code /login-error}; {@code /logout} logs out ("LOGGED-OUT"). A protected page answers
 * {@code PROTECTED <path> user=U method=M query=Q field=F node=N admin=true|false auth=FORM|BASIC}.
 * The users ({@link #USERS}) belong to the realm {@value #REALM}, which each container harness
 * makes from this list. The listener logs {@code created}, {@code destroyed} and {@code unbound}
 * events to the file of init parameter (or system property) {@value #EVENTS_FILE}; see
 * {@link EventLog}.
 *
 * <p>The webapp is built for one servlet API ({@link Servlet}): Jakarta Servlet 6 by default,
 * Jakarta Servlet 5 for Jetty's ee9, and {@code javax.servlet} 4 for Jetty's ee8 (the same sources
 * with {@code javax.servlet} for {@code jakarta.servlet}).
 */
public final class TestWebapp {

    public static final String PACKAGE = "com.example.webapp";
    /** The allowedClasses setting that admits the webapp's own classes. */
    public static final String ALLOWED_CLASSES = PACKAGE + ".*";
    public static final String BASKET = PACKAGE + ".Basket";
    public static final String SESSION_SERVLET = PACKAGE + ".SessionServlet";
    public static final String PAGE_SERVLET = PACKAGE + ".PageServlet";
    public static final String LISTENER = PACKAGE + ".Events";
    /** Context init parameter, system property or (upper case, '_') environment variable: the events file. */
    public static final String EVENTS_FILE = "redis-sessions.test.events";
    /** Likewise: the node's name in events and on protected pages. */
    public static final String NODE_NAME = "redis-sessions.test.node";

    /** The realm of the login variants: every container harness makes it from {@link #USERS}. */
    public static final String REALM = "test-realm";
    /** Role {@code user}. */
    public static final User ALICE = new User("alice", "alice-pw-4e1a77", List.of("user"));
    /** Roles {@code user} and {@code admin}. */
    public static final User BOB = new User("bob", "bob-pw-0c93b2", List.of("user", "admin"));
    public static final List<User> USERS = List.of(ALICE, BOB);

    /** The container login of {@code /protected/*} and {@code /admin/*}. */
    public enum Login { NONE, FORM, BASIC }

    /** The servlet API the webapp is compiled for, and the version its web.xml declares. */
    public enum Servlet {
        JAKARTA_6("jakarta.servlet", "https://jakarta.ee/xml/ns/jakartaee", "6.0"),
        JAKARTA_5("jakarta.servlet", "https://jakarta.ee/xml/ns/jakartaee", "5.0"),
        JAVAX_4("javax.servlet", "http://xmlns.jcp.org/xml/ns/javaee", "4.0");

        private final String packageName;
        private final String namespace;
        private final String version;

        Servlet(String packageName, String namespace, String version) {
            this.packageName = packageName;
            this.namespace = namespace;
            this.version = version;
        }
    }

    /**
     * A user of the realm {@value #REALM}. Its password is what no session in Redis may hold.
     */
    public record User(String name, String password, List<String> roles) {

        /** The form a FORM login posts to {@code j_security_check}. */
        public String loginForm() {
            return Browser.form("j_username", name, "j_password", password);
        }
    }

    private static final String SOURCES = "/io/redissessions/testing/webapp/";
    private static final List<String> CLASSES = List.of("SessionServlet", "PageServlet", "Events", "Tracked",
            "Basket", "Gates");
    private static final Map<Compilation, Path> COMPILED = new ConcurrentHashMap<>();

    private record Compilation(List<Path> servletApi, String packageName) {
    }

    private TestWebapp() {
    }

    /**
     * Writes the webapp into {@code dir} (created, or emptied first): classes compiled against
     * {@code servletApi} (jars or directories holding {@code jakarta.servlet} 6), and a web.xml.
     */
    public static Path build(Path dir, List<Path> servletApi, Login login) {
        return build(dir, servletApi, login, Servlet.JAKARTA_6);
    }

    /**
     * Writes the webapp for {@code servlet} into {@code dir} (created, or emptied first): classes
     * compiled against {@code servletApi} (jars or directories of that API), and a web.xml.
     */
    public static Path build(Path dir, List<Path> servletApi, Login login, Servlet servlet) {
        try {
            TestFiles.deleteRecursively(dir);
            Path classes = Files.createDirectories(dir.resolve("WEB-INF/classes"));
            TestFiles.copyTree(compiled(new Compilation(List.copyOf(servletApi), servlet.packageName)), classes);
            Files.writeString(dir.resolve("WEB-INF/web.xml"), webXml(login, servlet), StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The classes, compiled once per JVM, servlet API and package into a temp directory. */
    private static Path compiled(Compilation compilation) {
        return COMPILED.computeIfAbsent(compilation, c -> {
            try {
                Path out = Files.createTempDirectory("test-webapp-classes");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> TestFiles.deleteRecursively(out)));
                return JavaSources.compile(sources(c.packageName()), c.servletApi(), out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The sources, with {@code servletPackage} for {@code jakarta.servlet}. */
    private static Map<String, String> sources(String servletPackage) throws IOException {
        Map<String, String> sources = new LinkedHashMap<>();
        for (String name : CLASSES) {
            String resource = SOURCES + PACKAGE.replace('.', '/') + "/" + name + ".java";
            try (InputStream in = TestWebapp.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing test resource " + resource);
                }
                String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                sources.put(PACKAGE + "." + name, source.replace("jakarta.servlet.", servletPackage + "."));
            }
        }
        return sources;
    }

    static String webXml(Login login, Servlet servlet) {
        String security = login == Login.NONE ? "" : """
                  <security-constraint>
                    <web-resource-collection>
                      <web-resource-name>protected</web-resource-name>
                      <url-pattern>/protected/*</url-pattern>
                    </web-resource-collection>
                    <auth-constraint><role-name>user</role-name></auth-constraint>
                  </security-constraint>
                  <security-constraint>
                    <web-resource-collection>
                      <web-resource-name>admin</web-resource-name>
                      <url-pattern>/admin/*</url-pattern>
                    </web-resource-collection>
                    <auth-constraint><role-name>admin</role-name></auth-constraint>
                  </security-constraint>
                %s  <security-role><role-name>user</role-name></security-role>
                  <security-role><role-name>admin</role-name></security-role>
                """.formatted(login == Login.FORM ? """
                  <login-config>
                    <auth-method>FORM</auth-method>
                    <realm-name>%s</realm-name>
                    <form-login-config>
                      <form-login-page>/login</form-login-page>
                      <form-error-page>/login-error</form-error-page>
                    </form-login-config>
                  </login-config>
                """.formatted(REALM) : """
                  <login-config>
                    <auth-method>BASIC</auth-method>
                    <realm-name>%s</realm-name>
                  </login-config>
                """.formatted(REALM));
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="%s" version="%s" metadata-complete="true">
                  <listener><listener-class>%s</listener-class></listener>
                  <servlet>
                    <servlet-name>session</servlet-name>
                    <servlet-class>%s</servlet-class>
                    <async-supported>true</async-supported>
                  </servlet>
                  <servlet-mapping><servlet-name>session</servlet-name><url-pattern>/s</url-pattern></servlet-mapping>
                  <servlet-mapping><servlet-name>session</servlet-name><url-pattern>/cart/s</url-pattern></servlet-mapping>
                  <servlet>
                    <servlet-name>page</servlet-name>
                    <servlet-class>%s</servlet-class>
                  </servlet>
                  <servlet-mapping><servlet-name>page</servlet-name><url-pattern>/login</url-pattern></servlet-mapping>
                  <servlet-mapping><servlet-name>page</servlet-name><url-pattern>/login-error</url-pattern></servlet-mapping>
                  <servlet-mapping><servlet-name>page</servlet-name><url-pattern>/logout</url-pattern></servlet-mapping>
                  <servlet-mapping><servlet-name>page</servlet-name><url-pattern>/protected/*</url-pattern></servlet-mapping>
                  <servlet-mapping><servlet-name>page</servlet-name><url-pattern>/admin/*</url-pattern></servlet-mapping>
                %s</web-app>
                """.formatted(servlet.namespace, servlet.version, LISTENER, SESSION_SERVLET, PAGE_SERVLET, security);
    }
}
