package io.redissessions.core.codec;

import io.redissessions.core.ConfigurationException;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code allowedClasses} setting: which classes may be decoded from Redis, besides the
 * JSON-native and well-known JDK value types that each codec admits by itself.
 *
 * <p>Entries are separated by commas or whitespace. An entry is either a class name
 * ({@code com.acme.Cart}, nested classes as {@code com.acme.Cart$Line}) or a package prefix
 * ending in {@code .*} or {@code .} ({@code com.acme.*} admits com.acme and its sub-packages).
 * Checks are made on the class name, before any class is loaded.
 */
public final class ClassAllowList {

    private static final ClassAllowList EMPTY = new ClassAllowList(List.of(), List.of(), "");

    private final List<String> exactNames;
    private final List<String> packagePrefixes;
    private final String text;

    private ClassAllowList(List<String> exactNames, List<String> packagePrefixes, String text) {
        this.exactNames = List.copyOf(exactNames);
        this.packagePrefixes = List.copyOf(packagePrefixes);
        this.text = text;
    }

    public static ClassAllowList empty() {
        return EMPTY;
    }

    public static ClassAllowList parse(String setting, String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        List<String> exact = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        for (String raw : text.trim().split("[,\\s]+")) {
            if (raw.isEmpty()) {
                continue;
            }
            String entry = raw;
            if (entry.endsWith(".*")) {
                entry = entry.substring(0, entry.length() - 1);
            }
            boolean prefix = entry.endsWith(".");
            String body = prefix ? entry.substring(0, entry.length() - 1) : entry;
            if (!body.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
                throw new ConfigurationException(setting, text,
                        "entry '" + raw + "' is neither a class name (com.acme.Cart) nor a package prefix (com.acme.*)");
            }
            if (prefix) {
                prefixes.add(entry);
            } else {
                exact.add(entry);
            }
        }
        return new ClassAllowList(exact, prefixes, text.trim());
    }

    /**
     * Whether the named class may be decoded. Array names ({@code [Lcom.acme.Item;}) are judged
     * by their element class; primitive arrays are always allowed.
     */
    public boolean allows(String className) {
        if (className == null || className.isEmpty()) {
            return false;
        }
        String name = className;
        if (name.startsWith("[")) {
            int dims = 0;
            while (dims < name.length() && name.charAt(dims) == '[') {
                dims++;
            }
            String element = name.substring(dims);
            if (element.length() == 1) {
                return "ZBCSIJFD".contains(element);
            }
            if (!element.startsWith("L") || !element.endsWith(";")) {
                return false;
            }
            name = element.substring(1, element.length() - 1);
        }
        if (exactNames.contains(name)) {
            return true;
        }
        for (String prefix : packagePrefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return exactNames.isEmpty() && packagePrefixes.isEmpty();
    }

    @Override
    public String toString() {
        return text;
    }
}
