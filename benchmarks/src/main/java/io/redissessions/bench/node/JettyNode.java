package io.redissessions.bench.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A jetty-home 12.1 node installed as docs/jetty.md says: a fresh $JETTY_BASE, the redis-sessions
 * overlay unpacked into it (unless in-memory), {@code start.jar --add-modules=...}, settings
 * appended to start.d/*.ini, the webapp as {@code webapps/app}; then {@code java -jar start.jar}.
 */
public final class JettyNode {

    private JettyNode() {
    }

    /**
     * @param overlay the unpacked jetty-base overlay of redis-sessions, or null for Jetty's own
     *        in-memory sessions
     * @param modules for {@code --add-modules}
     * @param ini file name in start.d -> properties appended to it
     */
    public static Node install(String name, Path home, Path work, Path overlay, String modules,
                               Map<String, Map<String, String>> ini, List<String> jvmOptions) {
        try {
            Path base = work.resolve(name);
            Files2.deleteTree(base);
            Files.createDirectories(base);
            if (overlay != null) {
                Files2.copyTree(overlay, base);
            }
            startJar(home, base, "--add-modules=" + modules);
            for (Map.Entry<String, Map<String, String>> e : ini.entrySet()) {
                StringBuilder sb = new StringBuilder("\n## benchmarks\n");
                e.getValue().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
                Files.writeString(base.resolve("start.d").resolve(e.getKey()), sb.toString(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            BenchWebapp.writeTo(base.resolve("webapps/" + BenchWebapp.CONTEXT));

            int port = Files2.freePort();
            List<String> cmd = new ArrayList<>();
            cmd.add(java());
            cmd.addAll(jvmOptions);
            cmd.add("-Dbench.node=" + name);
            cmd.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base,
                    "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
            return new Node(name, port, base, base.resolve("jetty.log"), cmd);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void startJar(Path home, Path base, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + base));
        cmd.addAll(List.of(args));
        Path out = base.resolve("start-jar.log");
        Process p = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("start.jar " + List.of(args) + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("start.jar " + List.of(args) + " failed: " + Files.readString(out));
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
