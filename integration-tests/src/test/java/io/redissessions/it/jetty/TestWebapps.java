package io.redissessions.it.jetty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * The test webapps deployed into jetty-home (package {@code io.redissessions.it.jetty.webapp}):
 * exploded, with a web.xml for an environment (ee8 gets the classes compiled again against
 * {@code javax.servlet}) and a container login, and the realm {@code it-realm} the logins use
 * (users {@code alice}: role user, {@code bob}: roles user and admin), as a module of the base.
 */
final class TestWebapps {

    static final String ALICE_PASSWORD = "alice-pw-4e1a77";
    static final String BOB_PASSWORD = "bob-pw-0c93b2";
    static final String REALM_MODULE = "it-realm";

    private static final Path PACKAGE = Path.of("io", "redissessions", "it", "jetty", "webapp");

    enum Login { NONE, FORM, BASIC }

    private TestWebapps() {
    }

    /** Files of a base that add module {@value #REALM_MODULE}: a HashLoginService named it-realm. */
    static Map<String, String> realmModule() {
        return Map.of("modules/" + REALM_MODULE + ".mod", """
                [description]
                The users of the redis-sessions integration test.

                [depends]
                security

                [xml]
                etc/it-realm.xml
                """, "etc/it-realm.xml", """
                <?xml version="1.0"?>
                <!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">
                <Configure id="Server" class="org.eclipse.jetty.server.Server">
                  <Call name="addBean">
                    <Arg>
                      <New class="org.eclipse.jetty.security.HashLoginService">
                        <Set name="name">it-realm</Set>
                        <Set name="userStore">
                          <New class="org.eclipse.jetty.security.UserStore">
                            %s
                            %s
                          </New>
                        </Set>
                      </New>
                    </Arg>
                  </Call>
                </Configure>
                """.formatted(user("alice", ALICE_PASSWORD, "user"), user("bob", BOB_PASSWORD, "user", "admin")));
    }

    private static String user(String name, String password, String... roles) {
        StringBuilder items = new StringBuilder();
        for (String role : roles) {
            items.append("<Item>").append(role).append("</Item>");
        }
        return "<Call name=\"addUser\"><Arg>" + name + "</Arg><Arg><Call class=\"org.eclipse.jetty.util.security.Credential\" "
                + "name=\"getCredential\"><Arg>" + password + "</Arg></Call></Arg><Arg><Array type=\"String\">" + items
                + "</Array></Arg></Call>";
    }

    /**
     * An exploded webapp under {@code workDir/webapp-<name>} for {@code environment} (ee8, ee9,
     * ee10, ee11) with the given login; {@code home} gives ee8's servlet API.
     */
    static Path build(Path workDir, String name, String environment, Login login, Path home) {
        try {
            Path webapp = workDir.resolve("webapp-" + name);
            JettyHomeNode.deleteRecursively(webapp);
            Path classes = webapp.resolve("WEB-INF/classes");
            if (environment.equals("ee8")) {
                compileForJavax(classes, home);
            } else {
                Path compiled = Path.of(TestWebapps.class.getProtectionDomain().getCodeSource().getLocation().getPath());
                JettyHomeNode.copyRecursively(compiled.resolve(PACKAGE), classes.resolve(PACKAGE));
            }
            Files.writeString(webapp.resolve("WEB-INF/web.xml"), webXml(environment, login));
            return webapp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The webapp's sources with javax.servlet for jakarta.servlet, compiled against jetty-home's servlet 4 API. */
    private static void compileForJavax(Path classes, Path home) throws IOException {
        Path sources = Path.of("src", "test", "java").resolve(PACKAGE);
        Path javax = classes.getParent().resolve("javax-src");
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(), "-cp", servletApi4(home)));
        Files.createDirectories(javax);
        try (Stream<Path> files = Files.list(sources)) {
            for (Path source : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path copy = javax.resolve(source.getFileName().toString());
                Files.writeString(copy, Files.readString(source).replace("jakarta.servlet", "javax.servlet"));
                args.add(copy.toString());
            }
        }
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(new String[0]));
        if (rc != 0) {
            throw new IllegalStateException("cannot compile the ee8 webapp");
        }
        JettyHomeNode.deleteRecursively(javax);
    }

    private static String servletApi4(Path home) throws IOException {
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            return jars.filter(j -> j.getFileName().toString().matches("jetty-servlet-api-4\\..*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no servlet 4 API in " + home.resolve("lib")))
                    .toString();
        }
    }

    private static String webXml(String environment, Login login) {
        String head = switch (environment) {
            case "ee8" -> "<web-app xmlns=\"http://xmlns.jcp.org/xml/ns/javaee\" version=\"4.0\">";
            case "ee9" -> "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"5.0\">";
            default -> "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">";
        };
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").append(head).append("""

                  <listener><listener-class>io.redissessions.it.jetty.webapp.EventLog</listener-class></listener>
                  <servlet><servlet-name>s</servlet-name><servlet-class>io.redissessions.it.jetty.webapp.ItServlet</servlet-class></servlet>
                  <servlet-mapping><servlet-name>s</servlet-name><url-pattern>/s</url-pattern></servlet-mapping>
                """);
        if (login != Login.NONE) {
            xml.append("""
                      <servlet><servlet-name>pages</servlet-name><servlet-class>io.redissessions.it.jetty.webapp.LoginPages</servlet-class></servlet>
                      <servlet-mapping><servlet-name>pages</servlet-name>
                        <url-pattern>/login</url-pattern><url-pattern>/login-error</url-pattern><url-pattern>/logout</url-pattern>
                        <url-pattern>/secure/*</url-pattern><url-pattern>/admin/*</url-pattern>
                      </servlet-mapping>
                      <security-constraint>
                        <web-resource-collection><web-resource-name>secure</web-resource-name><url-pattern>/secure/*</url-pattern></web-resource-collection>
                        <auth-constraint><role-name>user</role-name></auth-constraint>
                      </security-constraint>
                      <security-constraint>
                        <web-resource-collection><web-resource-name>admin</web-resource-name><url-pattern>/admin/*</url-pattern></web-resource-collection>
                        <auth-constraint><role-name>admin</role-name></auth-constraint>
                      </security-constraint>
                      <security-role><role-name>user</role-name></security-role>
                      <security-role><role-name>admin</role-name></security-role>
                    """);
            xml.append(login == Login.FORM ? """
                      <login-config><auth-method>FORM</auth-method><realm-name>it-realm</realm-name>
                        <form-login-config><form-login-page>/login</form-login-page><form-error-page>/login-error</form-error-page></form-login-config>
                      </login-config>
                    """ : """
                      <login-config><auth-method>BASIC</auth-method><realm-name>it-realm</realm-name></login-config>
                    """);
        }
        return xml.append("</web-app>\n").toString();
    }
}
