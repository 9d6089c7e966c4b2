package io.redissessions.it.tomcat;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The test webapp as an exploded directory: web.xml and classes compiled here against the
 * distribution's own servlet-api.jar (sources under src/test/resources/.../webapp).
 */
final class TestWebapp {

    private static final String ROOT = "/io/redissessions/it/tomcat/webapp/";
    private static final List<String> SOURCES = List.of("Events", "Tracked", "SessionServlet", "PageServlet");

    private TestWebapp() {
    }

    static Path build(Path tomcatHome, Path into) {
        try {
            TomcatNode.deleteRecursively(into);
            Path classes = Files.createDirectories(into.resolve("WEB-INF/classes"));
            copyResource("web.xml", into.resolve("WEB-INF/web.xml"));
            Path src = Files.createDirectories(into.getParent().resolve(into.getFileName() + "-src"));
            List<String> args = new ArrayList<>(List.of("--release", "17", "-cp",
                    tomcatHome.resolve("lib/servlet-api.jar").toString(), "-d", classes.toString()));
            for (String name : SOURCES) {
                Path file = src.resolve(name + ".java");
                copyResource("com/example/itapp/" + name + ".java", file);
                args.add(file.toString());
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            if (javac.run(null, null, err, args.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("cannot compile the test webapp: " + err);
            }
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = TestWebapp.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + ROOT + name);
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        }
    }
}
