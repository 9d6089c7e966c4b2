package io.redissessions.bench.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Tomcat 11 node installed as docs/tomcat.md says: its own CATALINA_BASE (conf copied from the
 * distribution), the jars of the session manager in {@code lib/}, the manager's lines before
 * {@code </Context>} in conf/context.xml, the webapp as {@code webapps/app}. Started as
 * {@code catalina.sh run} starts it (Bootstrap, with the distribution's JVM options).
 */
public final class TomcatNode {

    /** What manages the sessions. */
    public enum Sessions { MEMORY, REDIS, REDISSON }

    private TomcatNode() {
    }

    /**
     * @param contextLines the lines added to context.xml (Valve and Manager), empty for the
     *        in-memory StandardManager
     * @param libs jars copied into {@code lib/}
     * @param jvmRoute the Engine's jvmRoute, or null
     */
    public static Node install(String name, Path home, Path work, List<String> contextLines, List<Path> libs,
                               String jvmRoute, List<String> jvmOptions) {
        try {
            Path base = work.resolve(name);
            Files2.deleteTree(base);
            Files2.copyTree(home.resolve("conf"), base.resolve("conf"));
            for (String dir : List.of("lib", "logs", "temp", "webapps", "work")) {
                Files.createDirectories(base.resolve(dir));
            }
            for (Path lib : libs) {
                Files.copy(lib, base.resolve("lib").resolve(lib.getFileName()));
            }
            BenchWebapp.writeTo(base.resolve("webapps/" + BenchWebapp.CONTEXT));

            int port = Files2.freePort();
            Path serverXml = base.resolve("conf/server.xml");
            String server = Files.readString(serverXml);
            server = Files2.replaceOnce(server, "<Server port=\"8005\" shutdown=\"SHUTDOWN\">",
                    "<Server port=\"-1\" shutdown=\"SHUTDOWN\">");
            server = Files2.replaceOnce(server, "<Connector port=\"8080\" protocol=\"HTTP/1.1\"",
                    "<Connector port=\"" + port + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"");
            if (jvmRoute != null) {
                server = Files2.replaceOnce(server, "<Engine name=\"Catalina\" defaultHost=\"localhost\">",
                        "<Engine name=\"Catalina\" defaultHost=\"localhost\" jvmRoute=\"" + jvmRoute + "\">");
            }
            Files.writeString(serverXml, server);

            Path contextXml = base.resolve("conf/context.xml");
            StringBuilder lines = new StringBuilder();
            for (String line : contextLines) {
                lines.append("    ").append(line).append('\n');
            }
            Files.writeString(contextXml, Files2.replaceOnce(Files.readString(contextXml), "</Context>",
                    lines + "</Context>"));

            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions);
            // what catalina.sh adds for Java 17+
            cmd.addAll(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                    "-Dbench.node=" + name,
                    "-Dcatalina.home=" + home, "-Dcatalina.base=" + base,
                    "-Djava.io.tmpdir=" + base.resolve("temp"),
                    "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                    "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                    "-cp", home.resolve("bin/bootstrap.jar") + java.io.File.pathSeparator + home.resolve("bin/tomcat-juli.jar"),
                    "org.apache.catalina.startup.Bootstrap", "start"));
            return new Node(name, port, base, base.resolve("logs/console.log"), cmd);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Valve and Manager lines of docs/tomcat.md, with extra Manager attributes. */
    public static List<String> redisSessionsLines(String uri, String namespace, String extraAttributes) {
        return List.of("<Valve className=\"io.redissessions.tomcat.RedisSessionValve\"/>",
                "<Manager className=\"io.redissessions.tomcat.RedisSessionManager\" uri=\"" + uri + "\" namespace=\""
                        + namespace + "\"" + (extraAttributes.isEmpty() ? "" : " " + extraAttributes) + "/>");
    }

    /**
     * Redisson's manager as its documentation shows it, with its defaults written out
     * (readMode REDIS, updateMode DEFAULT, no session events, no key prefix); its YAML file with
     * the server's address goes to {@code conf/redisson.yaml} of the node.
     */
    public static List<String> redissonLines() {
        return List.of("<Manager className=\"org.redisson.tomcat.RedissonSessionManager\""
                + " configPath=\"${catalina.base}/conf/redisson.yaml\" readMode=\"REDIS\" updateMode=\"DEFAULT\""
                + " broadcastSessionEvents=\"false\" keyPrefix=\"\"/>");
    }

    public static void writeRedissonYaml(Path work, String name, String redisAddress) {
        try {
            Files.writeString(work.resolve(name).resolve("conf/redisson.yaml"),
                    "singleServerConfig:\n  address: \"" + redisAddress + "\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Path> jarsIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
