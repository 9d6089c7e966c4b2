package io.redissessions.testing;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Compiles Java sources at test time ({@code javax.tools}, release 17) into a directory of
 * classes, for classes that only a webapp's class loader may see: nothing on the test class path
 * has them.
 */
public final class JavaSources {

    private JavaSources() {
    }

    /**
     * Compiles {@code sources} (binary class name, e.g. {@code com.example.Foo}, to source text)
     * into {@code classesDir}, against {@code classPath} (may be empty).
     *
     * @throws IllegalStateException with javac's messages if they do not compile
     */
    public static Path compile(Map<String, String> sources, List<Path> classPath, Path classesDir) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no system Java compiler: the tests need a JDK, not a JRE");
        }
        Path src = null;
        try {
            Files.createDirectories(classesDir);
            src = Files.createTempDirectory("test-sources");
            List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", classesDir.toString()));
            if (!classPath.isEmpty()) {
                args.add("-cp");
                args.add(classPath.stream().map(Path::toString)
                        .collect(Collectors.joining(java.io.File.pathSeparator)));
            }
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
                args.add(file.toString());
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = javac.run(null, err, err, args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException("javac failed for " + sources.keySet() + ":\n" + err.toString(StandardCharsets.UTF_8));
            }
            return classesDir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TestFiles.deleteRecursively(src);
        }
    }

    /** The jar or directory a class was loaded from, for a compile class path. */
    public static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
