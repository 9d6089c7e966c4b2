package io.redissessions.bench.reliability;

import java.util.HashMap;
import java.util.Map;

/** The one-line answer of BenchServlet: {@code born=<marker> counter=<n> new=<bool> node=<name>}. */
record PageLine(String born, int counter, boolean isNew, String node) {

    /** The answer of {@code /ro} when the request's session was not found. */
    boolean noSession() {
        return born.equals("-");
    }

    static PageLine parse(String body) {
        Map<String, String> f = new HashMap<>();
        for (String part : body.trim().split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                f.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        if (!f.containsKey("born") || !f.containsKey("counter")) {
            throw new IllegalArgumentException("not a page line: " + body);
        }
        return new PageLine(f.get("born"), Integer.parseInt(f.get("counter")), Boolean.parseBoolean(f.get("new")),
                f.getOrDefault("node", "?"));
    }
}
