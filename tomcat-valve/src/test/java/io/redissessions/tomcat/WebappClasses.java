package io.redissessions.tomcat;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Compiles a class into a webapp's WEB-INF/classes at test time: only the webapp's loader sees it. */
final class WebappClasses {

    static final String BASKET = "com.example.webapp.Basket";

    private static final String BASKET_SOURCE = """
            package com.example.webapp;

            public class Basket {
                private String owner;
                public Basket() { }
                public String getOwner() { return owner; }
                public void setOwner(String owner) { this.owner = owner; }
                @Override public String toString() { return "Basket[" + owner + "]"; }
            }
            """;

    private WebappClasses() {
    }

    /** A new docBase whose WEB-INF/classes holds {@value #BASKET}. */
    static Path docBaseWithBasket() {
        try {
            Path docBase = Files.createTempDirectory("webapp-with-basket");
            Path classes = Files.createDirectories(docBase.resolve("WEB-INF/classes"));
            Path src = Files.createTempDirectory("basket-src");
            Path file = Files.createDirectories(src.resolve("com/example/webapp")).resolve("Basket.java");
            Files.writeString(file, BASKET_SOURCE);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = javac.run(null, null, err, "--release", "17", "-d", classes.toString(), file.toString());
            if (rc != 0) {
                throw new IllegalStateException("javac failed: " + err);
            }
            TomcatNode.deleteRecursively(src);
            return docBase;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
