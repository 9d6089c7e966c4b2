package io.redissessions.it.spring;

import io.redissessions.testing.TestFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The Spring MVC + Spring Security webapp as an exploded WAR: the classes of
 * {@code io.redissessions.it.spring.webapp} (compiled with the test sources), the Spring jars that
 * the build copied into {@code spring.lib}, and web.xml.
 */
final class SpringWebapp {

    static final String PACKAGE = "io.redissessions.it.spring.webapp";

    private SpringWebapp() {
    }

    static Path build(Path into, Path springLib) {
        try {
            TestFiles.deleteRecursively(into);
            Path classes = Path.of(SpringWebapp.class.getProtectionDomain().getCodeSource().getLocation().getPath());
            Path pkg = Path.of(PACKAGE.replace('.', '/'));
            TestFiles.copyTree(classes.resolve(pkg), into.resolve("WEB-INF/classes").resolve(pkg));
            Path lib = Files.createDirectories(into.resolve("WEB-INF/lib"));
            try (Stream<Path> jars = Files.list(springLib)) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    Files.copy(jar, lib.resolve(jar.getFileName()));
                }
            }
            try (InputStream web = SpringWebapp.class.getResourceAsStream("web.xml")) {
                if (web == null) {
                    throw new IllegalStateException("missing test resource web.xml next to " + SpringWebapp.class);
                }
                Files.write(into.resolve("WEB-INF/web.xml"), web.readAllBytes());
            }
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
