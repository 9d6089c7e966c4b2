package io.redissessions.testing;

import io.redissessions.core.Setting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A valid value other than the default for every setting of the table, as the text a
 * configuration file would hold: numbers one above their default (halved for fractions), text
 * {@code sample-<name>}, and explicit samples where a setting's check needs something specific. A
 * new setting whose check refuses {@code sample-<name>} needs a line in {@link #SPECIAL}
 * (SettingsTest says so).
 */
public final class SettingSamples {

    private static final Map<String, String> SPECIAL = Map.ofEntries(
            Map.entry("uri", "rediss://sample-host:6390/1"), // TLS: the tls* settings apply only with it
            Map.entry("operationTimeoutMillis", "7000"),
            Map.entry("codec", "java"),
            Map.entry("lockingMode", "uriPattern:/sample/cart/.*"),
            Map.entry("nearCache", "on"),
            Map.entry("readCodecs", "json,java"),
            Map.entry("legacySignatures", "accept"),
            Map.entry("failureMode", "local"),
            Map.entry("allowedClasses", "com.example.Sample, com.example.samples.*"),
            Map.entry("tlsTrustStore", existingFile("sample-trust").toString()),
            Map.entry("tlsKeyStore", existingFile("sample-key").toString()));

    private SettingSamples() {
    }

    public static String of(Setting<?> setting) {
        String special = SPECIAL.get(setting.name());
        if (special != null) {
            return special;
        }
        Object dflt = setting.defaultValue();
        if (dflt instanceof Integer i) {
            return Integer.toString(i + 1);
        }
        if (dflt instanceof Double d) {
            return Double.toString(d / 2);
        }
        return "sample-" + setting.name();
    }

    private static Path existingFile(String name) {
        try {
            Path file = Files.createTempFile(name, ".p12");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
