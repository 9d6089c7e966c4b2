package io.redissessions.bench.load;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} options of the tools' main methods, with defaults and a usage error. */
public final class Args {

    private final Map<String, String> values = new HashMap<>();

    public Args(String[] args, Map<String, String> defaults) {
        values.putAll(defaults);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !defaults.containsKey(a.substring(2)) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + a + "; options (with defaults): " + defaults);
            }
            values.put(a.substring(2), args[++i]);
        }
    }

    public String get(String name) {
        return values.get(name);
    }

    public int integer(String name) {
        try {
            return Integer.parseInt(values.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " expects a number, not '" + values.get(name) + "'");
        }
    }

    public List<String> list(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
