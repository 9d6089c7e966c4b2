package io.redissessions.bench.node;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where benchmarks/run.sh put what the tools install: the unpacked Tomcat and jetty-home
 * distributions from Maven Central, the adapters as built, Redisson's jars. Each is a system
 * property ({@code -Dbench.tomcat.home=...}); a missing one fails with its name.
 */
public record Distributions(Path tomcatHome, Path jettyHome, Path tomcatAllJar, Path jettyOverlay,
                            Path redissonLib, Path work) {

    public static Distributions fromSystemProperties() {
        return new Distributions(dir("bench.tomcat.home"), dir("bench.jetty.home"), file("bench.tomcat.allJar"),
                dir("bench.jetty.overlay"), optionalDir("bench.redisson.lib"), Path.of(required("bench.work")));
    }

    private static String required(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set (benchmarks/run.sh sets it)");
        }
        return v;
    }

    private static Path dir(String name) {
        Path p = Path.of(required(name));
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException(name + "=" + p + " is not a directory");
        }
        return p;
    }

    private static Path file(String name) {
        Path p = Path.of(required(name));
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(name + "=" + p + " is not a file");
        }
        return p;
    }

    private static Path optionalDir(String name) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() || !Files.isDirectory(Path.of(v)) ? null : Path.of(v);
    }
}
