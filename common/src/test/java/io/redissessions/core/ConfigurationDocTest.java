package io.redissessions.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings tables of the docs against the table in {@link Settings}: every setting has one
 * row, with the table's unit and default, and no row names something that is not a setting. A
 * settings table is a Markdown table whose first column is headed {@code setting} or
 * {@code attribute} and that has {@code unit} and {@code default} columns.
 */
class ConfigurationDocTest {

    /** One row of a settings table. */
    private record Row(String unit, String dflt, String description) {
    }

    private static String doc(String name) throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docs/" + name))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("docs/%s above the module directory", name).isNotNull();
        return Files.readString(dir.resolve("docs/" + name));
    }

    private static List<String> cells(String line) {
        String inner = line.trim();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String c : inner.split("\\|", -1)) {
            cells.add(c.trim());
        }
        return cells;
    }

    /** The rows of every settings table of the doc, by setting name (a name in backticks). */
    private static Map<String, Row> settingRows(String doc) {
        Map<String, Row> rows = new LinkedHashMap<>();
        String[] lines = doc.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (!lines[i].startsWith("|") || !lines[i + 1].startsWith("|---")) {
                continue;
            }
            List<String> header = cells(lines[i]);
            int unit = header.indexOf("unit");
            int dflt = header.indexOf("default");
            if (!(header.get(0).equals("setting") || header.get(0).equals("attribute")) || unit < 0 || dflt < 0) {
                continue;
            }
            for (int j = i + 2; j < lines.length && lines[j].startsWith("|"); j++) {
                List<String> row = cells(lines[j]);
                assertThat(row).as("cells of %s", lines[j]).hasSize(header.size());
                String name = row.get(0).replace("`", "");
                assertThat(rows.put(name, new Row(row.get(unit), row.get(dflt), row.get(header.size() - 1))))
                        .as("one row for %s", name).isNull();
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "docs/{0}")
    @ValueSource(strings = {"configuration.md", "tomcat.md", "jetty.md"})
    void hasOneRowPerSettingWithItsUnitAndDefault(String file) throws IOException {
        Map<String, Row> rows = settingRows(doc(file));

        List<String> missing = new ArrayList<>();
        for (Setting<?> s : Settings.all()) {
            Row row = rows.get(s.name());
            if (row == null) {
                missing.add("| `" + s.name() + "` | " + s.unit() + " | "
                        + (s.defaultText().isEmpty() ? "none" : "`" + s.defaultText() + "`") + " | " + s.description() + ". |");
                continue;
            }
            assertThat(row.unit()).as("unit of %s in docs/%s", s.name(), file).isEqualTo(s.unit());
            if (s.defaultText().isEmpty()) {
                assertThat(row.dflt()).as("default of %s in docs/%s: it has none, so say in words what applies",
                        s.name(), file).doesNotStartWith("`");
            } else {
                assertThat(row.dflt()).as("default of %s in docs/%s", s.name(), file)
                        .startsWith("`" + s.defaultText() + "`");
            }
        }
        assertThat(missing).as("settings of the table without a row in docs/%s; add rows like these", file).isEmpty();
        assertThat(rows.keySet()).as("rows of docs/%s that are not settings of the table", file)
                .allSatisfy(name -> assertThat(Settings.find(name)).as(name).isNotNull());
    }

    @Test
    void configurationNamesTheEnvironmentVariableOfEverySettingThatHasOne() throws IOException {
        Map<String, Row> rows = settingRows(doc("configuration.md"));
        for (Setting<?> s : Settings.all()) {
            if (s.environmentVariable() != null) {
                assertThat(rows).as("rows of docs/configuration.md").containsKey(s.name());
                assertThat(rows.get(s.name()).description()).as(s.name())
                        .contains("`" + s.environmentVariable() + "`");
            }
        }
    }

    @Test
    void configurationSaysEverySecretIsShownMasked() throws IOException {
        Map<String, Row> rows = settingRows(doc("configuration.md"));
        for (Setting<?> s : Settings.all()) {
            if (s.isSecret()) {
                assertThat(rows).as("rows of docs/configuration.md").containsKey(s.name());
                assertThat(rows.get(s.name()).description()).as(s.name()).contains("`****`");
            }
        }
    }
}
