package io.redissessions.demo.docker;

import io.redissessions.core.Setting;
import io.redissessions.core.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.yaml.snakeyaml.Yaml;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing here can run Docker, so this keeps docker/ consistent with the build instead: what the
 * Dockerfiles copy is what the build produces (names and version), the redis-sessions settings
 * they use are real settings (of the table {@link Settings}) that reach the store, the
 * class names exist, the images match the Tomcat and Jetty versions the project is tested with,
 * and the compose file and the nginx configuration reference existing files and services.
 */
class DockerFilesTest {

    private static Path root;
    private static String version;
    private static Set<String> settings;

    @BeforeAll
    static void project() throws IOException {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("docker"))) {
            p = p.getParent();
        }
        assertThat(p).as("the project root (with docker/)").isNotNull();
        root = p;
        version = System.getProperty("project.version");
        assertThat(version).as("system property project.version (set by the pom)").isNotBlank();
        settings = new TreeSet<>();
        for (Setting<?> s : Settings.all()) {
            settings.add(s.name());
        }
        assertThat(settings).contains("uri", "namespace", "allowedClasses");
    }

    // ------------------------------------------------------------------ helpers

    private static String read(String path) throws IOException {
        Path file = root.resolve(path);
        assertThat(file).as(path).isRegularFile();
        return Files.readString(file);
    }

    private static String pomProperty(String name) throws IOException {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(read("pom.xml"));
        assertThat(m.find()).as("property %s in pom.xml", name).isTrue();
        return m.group(1).trim();
    }

    /** A Dockerfile's instructions (continuations joined, comments dropped), ARG defaults applied. */
    private record Dockerfile(Map<String, String> args, List<String[]> instructions) {

        static Dockerfile parse(String text) {
            Map<String, String> args = new LinkedHashMap<>();
            List<String[]> instructions = new ArrayList<>();
            String joined = text.replaceAll("\\\\\\r?\\n", " ");
            for (String line : joined.split("\\r?\\n")) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] kv = t.split("\\s+", 2);
                String keyword = kv[0].toUpperCase();
                String rest = kv.length > 1 ? kv[1] : "";
                if (keyword.equals("ARG")) {
                    String[] a = rest.split("=", 2);
                    args.put(a[0].trim(), a.length > 1 ? a[1].trim() : "");
                    continue;
                }
                instructions.add(new String[] {keyword, rest});
            }
            List<String[]> substituted = new ArrayList<>();
            for (String[] i : instructions) {
                String s = i[1];
                for (Map.Entry<String, String> a : args.entrySet()) {
                    s = s.replace("${" + a.getKey() + "}", a.getValue()).replace("$" + a.getKey(), a.getValue());
                }
                substituted.add(new String[] {i[0], s});
            }
            return new Dockerfile(args, substituted);
        }

        String from() {
            return instructions.stream().filter(i -> i[0].equals("FROM")).findFirst().orElseThrow()[1];
        }

        /** source -> destination of every COPY/ADD, flags (--chown...) skipped. */
        Map<String, String> copies() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String[] i : instructions) {
                if (i[0].equals("COPY") || i[0].equals("ADD")) {
                    List<String> parts = new ArrayList<>(List.of(i[1].split("\\s+")));
                    parts.removeIf(p -> p.startsWith("--"));
                    assertThat(parts).as("COPY %s", i[1]).hasSize(2);
                    m.put(parts.get(0), parts.get(1));
                }
            }
            return m;
        }

        String runs() {
            StringBuilder b = new StringBuilder();
            instructions.stream().filter(i -> i[0].equals("RUN")).forEach(i -> b.append(i[1]).append('\n'));
            return b.toString();
        }
    }

    private static String tomcatJar() {
        return "tomcat-valve/target/redis-sessions-tomcat-" + version + "-all.jar";
    }

    private static String jettyOverlay() {
        return "jetty-session/target/redis-sessions-jetty-" + version + "-jetty-base.tar.gz";
    }

    private static final String WAR = "demo/webapp/target/demo.war";

    /**
     * A build output is named as the module's build names it; once the module has been packaged
     * with the build that makes it, it is there.
     */
    private static void assertBuildOutput(String path) throws IOException {
        switch (path.substring(0, path.indexOf('/'))) {
            case "tomcat-valve" -> {
                String pom = read("tomcat-valve/pom.xml");
                assertThat(pom).contains("<artifactId>redis-sessions-tomcat</artifactId>");
                assertThat(pom).contains("maven-shade-plugin").contains("<shadedClassifierName>all</shadedClassifierName>");
            }
            case "jetty-session" -> {
                assertThat(read("jetty-session/pom.xml")).contains("<artifactId>redis-sessions-jetty</artifactId>")
                        .contains("<descriptor>src/assembly/jetty-base.xml</descriptor>");
                assertThat(read("jetty-session/src/assembly/jetty-base.xml")).contains("<id>jetty-base</id>")
                        .contains("<format>tar.gz</format>");
            }
            case "demo" -> {
                assertThat(read("demo/webapp/pom.xml")).contains("<finalName>demo</finalName>")
                        .contains("<packaging>war</packaging>");
            }
            default -> throw new AssertionError("unexpected build output " + path);
        }
        Path built = root.resolve(path);
        if (Files.exists(built.getParent().resolve("maven-archiver"))) {
            assertThat(built).as("built by the module (its target/ is there)").isRegularFile();
        }
    }

    private static void assertImageMatches(String from, String repository, String projectVersion) {
        String image = from;
        Matcher m = Pattern.compile(Pattern.quote(repository) + ":(\\d+\\.\\d+)[-.\\w]*").matcher(image);
        assertThat(m.matches()).as("FROM %s: an official %s image with major.minor", image, repository).isTrue();
        String majorMinor = projectVersion.substring(0, projectVersion.indexOf('.', projectVersion.indexOf('.') + 1));
        assertThat(m.group(1)).as("%s image version vs the tested %s", repository, projectVersion).isEqualTo(majorMinor);
    }

    private static Map<String, Object> compose() throws IOException {
        Map<String, Object> yaml = new Yaml().load(read("docker/compose.yaml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> services = (Map<String, Object>) yaml.get("services");
        assertThat(services).as("services of docker/compose.yaml").isNotNull();
        return services;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Object o) {
        return (List<String>) o;
    }

    // ------------------------------------------------------------------ Tomcat

    @Test
    void tomcatImageGetsTheBuiltJarContextXmlAndWarWhereDocsTomcatMdSays() throws IOException {
        Dockerfile d = Dockerfile.parse(read("docker/tomcat/Dockerfile"));
        assertThat(d.args()).containsEntry("REDIS_SESSIONS_VERSION", version);
        assertImageMatches(d.args().get("TOMCAT_IMAGE"), "tomcat", pomProperty("tomcat.version"));
        assertThat(d.from()).isEqualTo(d.args().get("TOMCAT_IMAGE"));
        assertThat(d.copies()).containsExactly(
                Map.entry(tomcatJar(), "/usr/local/tomcat/lib/"),
                Map.entry("docker/tomcat/context.xml", "/usr/local/tomcat/conf/context.xml"),
                Map.entry(WAR, "/usr/local/tomcat/webapps/demo.war"));
        assertBuildOutput(tomcatJar());
        assertBuildOutput(WAR);
    }

    private static Element tomcatElement(String name) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(root.resolve("docker/tomcat/context.xml").toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("Context");
        assertThat(doc.getElementsByTagName(name).getLength()).as("<%s> in context.xml", name).isEqualTo(1);
        return (Element) doc.getElementsByTagName(name).item(0);
    }

    @Test
    void tomcatContextXmlHasTheValveAndAManagerWithRealSettingsOnly() throws Exception {
        assertThat(tomcatElement("Valve").getAttribute("className")).isEqualTo("io.redissessions.tomcat.RedisSessionValve");
        Element manager = tomcatElement("Manager");
        assertThat(manager.getAttribute("className")).isEqualTo("io.redissessions.tomcat.RedisSessionManager");
        NamedNodeMap attributes = manager.getAttributes();
        Map<String, String> used = new LinkedHashMap<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            used.put(attributes.item(i).getNodeName(), attributes.item(i).getNodeValue());
        }
        used.remove("className");
        assertThat(settings).as("redis-sessions settings (Settings)").containsAll(used.keySet());
        assertDemoSettings(used);
    }

    @Test
    void tomcatClassNamesOfContextXmlExist() throws Exception {
        for (String element : List.of("Valve", "Manager")) {
            String className = tomcatElement(element).getAttribute("className");
            assertThat(root.resolve("tomcat-valve/src/main/java/" + className.replace('.', '/') + ".java"))
                    .as("<%s className=\"%s\">", element, className).isRegularFile();
        }
    }

    // ------------------------------------------------------------------ Jetty

    @Test
    void jettyImageGetsTheBuiltOverlayModulesIniAndWarWhereDocsJettyMdSays() throws IOException {
        Dockerfile d = Dockerfile.parse(read("docker/jetty/Dockerfile"));
        assertThat(d.args()).containsEntry("REDIS_SESSIONS_VERSION", version);
        assertImageMatches(d.args().get("JETTY_IMAGE"), "jetty", pomProperty("jetty.version"));
        Map<String, String> copies = d.copies();
        assertThat(copies).containsOnlyKeys(jettyOverlay(), "docker/jetty/session-store-redis.ini", WAR);
        assertThat(copies).containsEntry(WAR, "/var/lib/jetty/webapps/demo.war");
        assertBuildOutput(jettyOverlay());
        assertBuildOutput(WAR);

        String runs = d.runs();
        assertThat(runs).contains("tar -xzf " + copies.get(jettyOverlay()) + " -C /var/lib/jetty")
                .contains("cat " + copies.get("docker/jetty/session-store-redis.ini")
                        + " >> /var/lib/jetty/start.d/session-store-redis.ini");
        Matcher modules = Pattern.compile("--add-modules=(\\S+)").matcher(runs);
        assertThat(modules.find()).isTrue();
        assertThat(modules.group(1).split(",")).contains("session-store-redis", "http", "ee10-deploy");
        for (String module : modules.group(1).split(",")) {
            if (module.contains("redis")) {
                assertThat(root.resolve("jetty-session/src/main/jetty-base/modules/" + module + ".mod")).isRegularFile();
            }
        }
    }

    @Test
    void jettyIniSetsOnlyRealSettingsThatTheModuleHandsToTheStore() throws IOException {
        String storeXml = read("jetty-session/src/main/jetty-base/etc/sessions/redis/session-store.xml");
        Map<String, String> used = new LinkedHashMap<>();
        for (String line : read("docker/jetty/session-store-redis.ini").split("\\r?\\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] kv = t.split("=", 2);
            assertThat(kv[0]).as("ini line %s", t).startsWith("jetty.session.redis.");
            String setting = kv[0].substring("jetty.session.redis.".length());
            assertThat(settings).as("redis-sessions settings (Settings)").contains(setting);
            assertThat(storeXml).as("session-store.xml hands %s to the factory", kv[0])
                    .containsAnyOf("property=\"" + kv[0] + "\"", "<Property name=\"" + kv[0] + "\"/>");
            used.put(setting, kv[1]);
        }
        assertDemoSettings(used);
    }

    /** Both containers: the compose service of Redis, namespace demo, the webapp's classes allowed. */
    private static void assertDemoSettings(Map<String, String> used) throws IOException {
        assertThat(used).containsEntry("namespace", "demo").containsEntry("allowedClasses", "io.redissessions.demo.*");
        assertThat(root.resolve("demo/webapp/src/main/java/io/redissessions/demo/CartItem.java")).isRegularFile();
        Matcher uri = Pattern.compile("redis://([^:/]+):(\\d+)(/\\d+)?").matcher(used.get("uri"));
        assertThat(uri.matches()).as("uri %s", used.get("uri")).isTrue();
        assertThat(compose()).containsKey(uri.group(1));
        assertThat(uri.group(2)).isEqualTo("6379");
        assertThat(read("demo/webapp/src/main/webapp/WEB-INF/web.xml"))
                .as("the page computes keys in the same namespace")
                .containsPattern("<param-name>demo.namespace</param-name>\\s*<param-value>demo</param-value>");
    }

    // ------------------------------------------------------------------ compose and nginx

    @Test
    void composeBuildsFromTheProjectRootAndReferencesExistingFiles() throws IOException {
        Map<String, Object> services = compose();
        assertThat(services).containsOnlyKeys("redis", "tomcat-1", "tomcat-2", "jetty-1", "jetty-2", "lb");
        Path composeDir = root.resolve("docker");
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> service = map(e.getValue());
            if (service.containsKey("build")) {
                Map<String, Object> build = map(service.get("build"));
                Path context = composeDir.resolve((String) build.get("context")).normalize();
                assertThat(context).as("%s build context", e.getKey()).isEqualTo(root);
                assertThat(context.resolve((String) build.get("dockerfile"))).as("%s dockerfile", e.getKey()).isRegularFile();
                Map<String, Object> env = map(service.get("environment"));
                assertThat(env).as("%s environment", e.getKey()).containsEntry("DEMO_NODE", e.getKey())
                        .containsEntry("DEMO_REDIS", "redis:6379");
                assertThat(service.get("hostname")).isEqualTo(e.getKey());
                assertThat(list(service.get("depends_on"))).contains("redis");
            }
            if (service.containsKey("volumes")) {
                for (Object v : (List<?>) service.get("volumes")) {
                    String hostPath = v.toString().split(":")[0];
                    assertThat(composeDir.resolve(hostPath).normalize()).as("%s volume %s", e.getKey(), v).exists();
                }
            }
        }
        assertThat(map(services.get("tomcat-1")).get("build").toString()).contains("docker/tomcat/Dockerfile");
        assertThat(map(services.get("jetty-1")).get("build").toString()).contains("docker/jetty/Dockerfile");
        assertThat(list(map(services.get("lb")).get("ports"))).containsExactly("8080:8080");
        assertThat(list(map(services.get("lb")).get("depends_on")))
                .containsExactlyInAnyOrder("tomcat-1", "tomcat-2", "jetty-1", "jetty-2");
    }

    @Test
    void nginxSendsRequestsRoundRobinToEveryNodeWithoutStickiness() throws IOException {
        String conf = read("docker/nginx/nginx.conf").replaceAll("(?m)#.*$", "");
        Matcher upstream = Pattern.compile("upstream\\s+(\\w+)\\s*\\{([^}]*)}").matcher(conf);
        assertThat(upstream.find()).isTrue();
        List<String> servers = new ArrayList<>();
        Matcher server = Pattern.compile("server\\s+([\\w.-]+):(\\d+)\\s*;").matcher(upstream.group(2));
        while (server.find()) {
            assertThat(server.group(2)).isEqualTo("8080");
            servers.add(server.group(1));
        }
        assertThat(servers).containsExactlyInAnyOrder("tomcat-1", "tomcat-2", "jetty-1", "jetty-2");
        assertThat(upstream.group(2)).doesNotContainPattern("\\b(ip_hash|hash|sticky|least_conn|random)\\b");
        assertThat(conf).contains("proxy_pass http://" + upstream.group(1) + ";").contains("listen 8080;");
    }

    @Test
    void dockerignoreLetsThroughExactlyWhatEachDockerfileCopies() throws IOException {
        for (String container : List.of("tomcat", "jetty")) {
            Dockerfile d = Dockerfile.parse(read("docker/" + container + "/Dockerfile"));
            List<String> rules = read("docker/" + container + "/Dockerfile.dockerignore").lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            for (String source : d.copies().keySet()) {
                assertThat(included(rules, source)).as("%s is sent to the %s build", source, container).isTrue();
            }
            assertThat(included(rules, "common/pom.xml")).isFalse();
            assertThat(included(rules, ".git/config")).isFalse();
        }
    }

    /** Docker's rule: the last pattern that matches decides; "!" re-includes. */
    private static boolean included(List<String> rules, String path) {
        boolean included = true;
        for (String rule : rules) {
            boolean negate = rule.startsWith("!");
            String glob = negate ? rule.substring(1) : rule;
            if (FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(path))
                    || (!glob.contains("/") && glob.equals("*"))) {
                included = negate;
            }
        }
        return included;
    }
}
