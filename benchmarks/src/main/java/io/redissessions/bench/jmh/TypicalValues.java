package io.redissessions.bench.jmh;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The session attributes the microbenchmarks use: what web applications typically keep. */
final class TypicalValues {

    static final String ALLOWED = "io.redissessions.bench.jmh.*";

    private TypicalValues() {
    }

    /** One value by kind, for the codec benchmark. */
    static Object value(String kind) {
        return switch (kind) {
            case "counter" -> 42;
            case "string" -> "alice@example.com";
            case "text1k" -> text(1024);
            case "instant" -> Instant.parse("2026-01-02T03:04:05.678Z");
            case "list" -> new ArrayList<>(List.of("ROLE_USER", "ROLE_BUYER", "ROLE_REVIEWER", "ROLE_BETA"));
            case "map" -> prefs();
            case "bean" -> new CartLine("SKU-12345", 2, new BigDecimal("19.99"));
            case "beans" -> cart(10);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** A session of ten attributes: identity, counters, a cart of beans, preferences, 1 KB of text. */
    static Map<String, Object> tenAttributes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", "alice@example.com");
        m.put("counter", 42);
        m.put("locale", "en_GB");
        m.put("lastPage", "/shop/cart?page=2");
        m.put("loggedIn", true);
        m.put("loginTime", Instant.parse("2026-01-02T03:04:05.678Z"));
        m.put("roles", value("list"));
        m.put("cart", cart(3));
        m.put("prefs", prefs());
        m.put("payload", text(1024));
        return m;
    }

    private static Map<String, Object> prefs() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("theme", "dark");
        m.put("pageSize", 50);
        m.put("currency", "EUR");
        m.put("newsletter", false);
        m.put("tz", "Europe/Berlin");
        return m;
    }

    private static List<CartLine> cart(int n) {
        List<CartLine> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(new CartLine("SKU-" + (10000 + i), 1 + i % 3, new BigDecimal("9.99").add(BigDecimal.valueOf(i))));
        }
        return lines;
    }

    static String text(int bytes) {
        StringBuilder b = new StringBuilder(bytes);
        while (b.length() < bytes) {
            b.append("session text ").append(b.length()).append(' ');
        }
        return b.substring(0, bytes);
    }
}
