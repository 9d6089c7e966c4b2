package io.redissessions.it.tomcat;

import io.redissessions.testing.Poll;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.TestWebapp;
import io.redissessions.testing.web.WebNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One node of a real Tomcat distribution, installed the way the README tells users: its own
 * CATALINA_BASE with the -all jar in lib/ and the two lines in conf/context.xml; started as a
 * separate process (Bootstrap, as catalina.sh does) and stopped by its PID. Public for the
 * mixed Tomcat-and-Jetty test ({@code io.redissessions.it.mixed}).
 */
public final class TomcatNode implements WebNode, AutoCloseable {

    public final String name;
    public final Path home;
    public final Path base;
    public final int port;
    private Process process;

    private TomcatNode(String name, Path home, Path base, int port) {
        this.name = name;
        this.home = home;
        this.base = base;
        this.port = port;
    }

    /**
     * Creates CATALINA_BASE {@code work/name}: conf copied from the distribution, ports and
     * jvmRoute set in server.xml, {@code managerLine} and the Valve line added to conf/context.xml,
     * the users of {@link TestWebapp#USERS} in tomcat-users.xml, the -all jar in lib/ and
     * {@code webapp} as webapps/app.
     */
    public static TomcatNode install(String name, Path home, Path work, Path allJar, Path webapp, String managerLine) {
        try {
            Path base = work.resolve(name);
            TestFiles.deleteRecursively(base);
            TestFiles.copyTree(home.resolve("conf"), base.resolve("conf"));
            for (String dir : List.of("lib", "logs", "temp", "webapps", "work")) {
                Files.createDirectories(base.resolve(dir));
            }
            Files.copy(allJar, base.resolve("lib").resolve(allJar.getFileName()));
            TestFiles.copyTree(webapp, base.resolve("webapps/app"));

            int port = freePort();
            Path serverXml = base.resolve("conf/server.xml");
            String server = Files.readString(serverXml);
            server = replaceOnce(server, "<Server port=\"8005\" shutdown=\"SHUTDOWN\">",
                    "<Server port=\"-1\" shutdown=\"SHUTDOWN\">");
            server = replaceOnce(server, "<Connector port=\"8080\" protocol=\"HTTP/1.1\"",
                    "<Connector port=\"" + port + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"");
            // background work (expiry claims) every second instead of every ten, so the test waits less
            server = replaceOnce(server, "<Engine name=\"Catalina\" defaultHost=\"localhost\">",
                    "<Engine name=\"Catalina\" defaultHost=\"localhost\" jvmRoute=\"" + name
                            + "\" backgroundProcessorDelay=\"1\">");
            Files.writeString(serverXml, server);

            // the README's quick start, as a user would type it
            Path contextXml = base.resolve("conf/context.xml");
            Files.writeString(contextXml, replaceOnce(Files.readString(contextXml), "</Context>",
                    "    <Valve className=\"io.redissessions.tomcat.RedisSessionValve\"/>\n    " + managerLine
                            + "\n</Context>"));

            StringBuilder users = new StringBuilder();
            for (TestWebapp.User user : TestWebapp.USERS) {
                users.append("  <user username=\"").append(user.name()).append("\" password=\"").append(user.password())
                        .append("\" roles=\"").append(String.join(",", user.roles())).append("\"/>\n");
            }
            Files.writeString(base.resolve("conf/tomcat-users.xml"), """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
                      <role rolename="user"/>
                      <role rolename="admin"/>
                    %s</tomcat-users>
                    """.formatted(users));
            return new TomcatNode(name, home, base, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The test webapp ({@link TestWebapp}, FORM login variant) compiled against this distribution's
     * own servlet-api.jar, in {@code dir}.
     */
    public static Path webapp(Path tomcatHome, Path dir) {
        return TestWebapp.build(dir, List.of(tomcatHome.resolve("lib/servlet-api.jar")), TestWebapp.Login.FORM);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port + "/app";
    }

    public Path eventsFile() {
        return base.resolve("logs/events.txt");
    }

    public TomcatNode start() {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx256m", "-XX:+UseSerialGC",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base,
                "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-D" + TestWebapp.EVENTS_FILE + "=" + eventsFile(), "-D" + TestWebapp.NODE_NAME + "=" + name,
                "-cp", home.resolve("bin/bootstrap.jar") + java.io.File.pathSeparator + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start"));
        try {
            process = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
                    .redirectOutput(base.resolve("logs/console.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Poll.until(Duration.ofSeconds(90), "Tomcat " + name + " serves /app", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("Tomcat " + name + " exited: " + logs()); // an Error: Poll does not retry it
                }
                Reply r = Browser.getWithSessionId(this, "/s?op=ping", null);
                return r.status() == 200 && r.body().equals("pong");
            });
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + logs(), e);
        }
        return this;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the process by its PID: SIGTERM (Tomcat's shutdown hook stops it cleanly), then SIGKILL. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The console and catalina logs, for failure messages. */
    public String logs() {
        StringBuilder sb = new StringBuilder("---- logs of " + name + " ----\n");
        try (Stream<Path> files = Files.list(base.resolve("logs"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("c")).sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                sb.append("== ").append(f.getFileName()).append('\n')
                        .append(text, Math.max(0, text.length() - 6000), text.length()).append('\n');
            }
        } catch (IOException e) {
            sb.append(e);
        }
        return sb.toString();
    }

    public String catalinaLog() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(base.resolve("logs"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("catalina")).toList()) {
                sb.append(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        stop();
    }

    private static String replaceOnce(String text, String target, String replacement) {
        int i = text.indexOf(target);
        if (i < 0) {
            throw new IllegalStateException("not found in the distribution's configuration: " + target);
        }
        return text.substring(0, i) + replacement + text.substring(i + target.length());
    }

    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
