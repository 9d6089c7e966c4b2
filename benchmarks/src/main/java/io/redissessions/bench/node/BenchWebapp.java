package io.redissessions.bench.node;

import java.nio.file.Path;

/**
 * The exploded webapp of {@code io.redissessions.bench.webapp.BenchServlet}: web.xml and the
 * servlet's class file, copied from this tool's class path (the class is never loaded here: the
 * tool runs without the servlet API).
 */
public final class BenchWebapp {

    public static final String CONTEXT = "app";
    private static final String PACKAGE = "io/redissessions/bench/webapp/";

    private BenchWebapp() {
    }

    /** Writes the webapp into {@code dir} (which becomes {@code webapps/app}). */
    public static Path writeTo(Path dir) {
        Files2.copyResource(PACKAGE + "web.xml", dir.resolve("WEB-INF/web.xml"));
        Files2.copyResource(PACKAGE + "BenchServlet.class", dir.resolve("WEB-INF/classes/" + PACKAGE + "BenchServlet.class"));
        return dir;
    }
}
