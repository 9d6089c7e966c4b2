package io.redissessions.core.codec;

import io.redissessions.testing.JavaSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A session class that only the webapp's class loader can see (compiled here, loaded through a
 * URLClassLoader) decodes through that loader, and fails cleanly through any other.
 */
class WebappOnlyClassTest {

    private static final String CLASS_NAME = "sessiontest.hidden.Badge";
    private static final String SOURCE = "package sessiontest.hidden;\n"
            + "public class Badge implements java.io.Serializable {\n"
            + "    private static final long serialVersionUID = 1L;\n"
            + "    private String name;\n"
            + "    private int level;\n"
            + "    public Badge() {}\n"
            + "    public String getName() { return name; }\n"
            + "    public void setName(String name) { this.name = name; }\n"
            + "    public int getLevel() { return level; }\n"
            + "    public void setLevel(int level) { this.level = level; }\n"
            + "    @Override public boolean equals(Object o) {\n"
            + "        return o instanceof Badge && java.util.Objects.equals(name, ((Badge) o).name)\n"
            + "                && level == ((Badge) o).level;\n"
            + "    }\n"
            + "    @Override public int hashCode() { return java.util.Objects.hash(name, level); }\n"
            + "}\n";

    @TempDir
    static Path classes;
    private static URLClassLoader webapp;

    @BeforeAll
    static void compileTheWebappClass() throws IOException {
        JavaSources.compile(Map.of(CLASS_NAME, SOURCE), List.of(), classes);
        webapp = new URLClassLoader(new URL[] {classes.toUri().toURL()}, WebappOnlyClassTest.class.getClassLoader());
    }

    @AfterAll
    static void closeTheLoader() throws IOException {
        webapp.close();
    }

    private static Object newBadge() throws ReflectiveOperationException {
        Class<?> type = Class.forName(CLASS_NAME, true, webapp);
        Object badge = type.getConstructor().newInstance();
        type.getMethod("setName", String.class).invoke(badge, "gold");
        type.getMethod("setLevel", int.class).invoke(badge, 3);
        return badge;
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "java"})
    void decodesThroughTheWebappLoaderAndFailsThroughTheApplicationLoader(String codecName) throws Exception {
        ValueCodec codec = new ValueCodec(codecName, ClassAllowList.parse("allowedClasses", "sessiontest.hidden.*"), 0, null);
        Object badge = newBadge();
        ClassLoader appLoader = WebappOnlyClassTest.class.getClassLoader();
        assertThatThrownBy(() -> Class.forName(CLASS_NAME, false, appLoader))
                .as("the class must be invisible to the application loader")
                .isInstanceOf(ClassNotFoundException.class);

        byte[] stored = codec.encode("badge", badge);
        Object decoded = codec.decode("badge", stored, webapp);

        assertThat(decoded.getClass()).isSameAs(badge.getClass());
        assertThat(decoded).isEqualTo(badge).isNotSameAs(badge);
        assertThatThrownBy(() -> codec.decode("badge", stored, appLoader))
                .isInstanceOf(AttributeDecodingException.class)
                .hasMessageContaining("'badge'")
                .hasMessageContaining(CLASS_NAME);
    }
}
