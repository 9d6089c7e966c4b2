package io.redissessions.bench.profile;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the CPU time of a JFR recording goes: its {@code jdk.ExecutionSample} events (threads
 * running Java code) counted by top frame (self), by every method on the stack (total), and by
 * component (the package family of the top frame). Writes markdown. Run by
 * {@code benchmarks/run.sh profile}.
 */
public final class JfrTopFrames {

    private static final int TOP = 25;

    /** Package prefixes to components, first match wins; shaded copies count as the original. */
    private static final List<String[]> COMPONENTS = List.of(
            new String[]{"io.redissessions.tomcat.shaded.redis.", "Jedis"},
            new String[]{"redis.clients.", "Jedis"},
            new String[]{"io.redissessions.tomcat.shaded.jackson.", "Jackson"},
            new String[]{"io.redissessions.tomcat.shaded.com.fasterxml.", "Jackson"},
            new String[]{"com.fasterxml.", "Jackson"},
            new String[]{"io.redissessions.tomcat.shaded.org.apache.commons.pool2", "commons-pool2"},
            new String[]{"io.redissessions.tomcat.shaded.pool2", "commons-pool2"},
            new String[]{"org.apache.commons.pool2", "commons-pool2"},
            new String[]{"io.redissessions.bench.", "the benchmark's servlet"},
            new String[]{"io.redissessions.", "redis-sessions"},
            new String[]{"org.redisson.", "Redisson"},
            new String[]{"io.netty.", "Netty"},
            new String[]{"org.apache.coyote.", "Tomcat connector (coyote)"},
            new String[]{"org.apache.tomcat.util.net.", "Tomcat connector (coyote)"},
            new String[]{"org.apache.tomcat.util.http", "Tomcat HTTP parsing"},
            new String[]{"org.apache.tomcat.util.buf", "Tomcat HTTP parsing"},
            new String[]{"org.apache.catalina.session.", "Tomcat sessions (StandardManager)"},
            new String[]{"org.apache.catalina.valves.AccessLog", "Tomcat access log"},
            new String[]{"org.apache.catalina.", "Tomcat container (catalina)"},
            new String[]{"org.apache.", "Tomcat other"},
            new String[]{"org.eclipse.jetty.", "Jetty"},
            new String[]{"sun.nio.", "JDK NIO"},
            new String[]{"java.util.concurrent.", "JDK concurrency"},
            new String[]{"java.util.zip.", "JDK zip (CRC32)"},
            new String[]{"java.", "JDK other"},
            new String[]{"jdk.", "JDK other"},
            new String[]{"sun.", "JDK other"});

    private JfrTopFrames() {
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        StringBuilder md = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out")) {
                out = Path.of(args[++i]);
            } else if (Files.exists(Path.of(args[i]))) {
                md.append(summarize(Path.of(args[i])));
            } else {
                System.err.println("[profile] no recording " + args[i]);
            }
        }
        System.out.println(md);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, md.toString());
            System.err.println("[profile] report: " + out.toAbsolutePath());
        }
    }

    static String summarize(Path recording) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> components = new HashMap<>();
        Map<String, Integer> ownTotal = new HashMap<>();
        Map<String, Integer> ownSelf = new HashMap<>();
        Map<String, Integer> nativeWaits = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                RecordedStackTrace stack = e.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                List<RecordedFrame> frames = stack.getFrames();
                if (type.equals("jdk.NativeMethodSample")) {
                    // a request thread in native code is mostly waiting: for the client's bytes, or Redis's answer
                    if (frames.stream().anyMatch(f -> name(f.getMethod()).contains("Http11Processor.service")
                            || name(f.getMethod()).contains("HttpChannel"))) {
                        nativeSamples++;
                        nativeWaits.merge(firstOwnFrame(frames), 1, Integer::sum);
                    }
                    continue;
                }
                if (!type.equals("jdk.ExecutionSample")) {
                    continue;
                }
                samples++;
                String top = name(frames.get(0).getMethod());
                self.merge(top, 1, Integer::sum);
                RecordedMethod charged = innermostNonJdk(frames);
                components.merge(component(charged), 1, Integer::sum);
                if (isOwn(charged)) {
                    ownSelf.merge(name(charged), 1, Integer::sum);
                }
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String n = name(f.getMethod());
                    if (seen.add(n)) {
                        total.merge(n, 1, Integer::sum);
                        if (isOwn(f.getMethod())) {
                            ownTotal.merge(n, 1, Integer::sum);
                        }
                    }
                }
            }
        }
        StringBuilder b = new StringBuilder("### " + recording.getFileName() + "\n\n" + samples
                + " execution samples (threads running Java code), " + nativeSamples
                + " native samples of request threads (in native code: mostly waiting on a socket).\n\n");
        b.append(table("CPU by component (of the innermost frame outside the JDK: JDK code is charged to its caller)",
                components, samples, components.size()));
        b.append(table("Top frames (self)", self, samples, TOP));
        b.append(table("redis-sessions, Jedis, Jackson and commons-pool2 methods charged with the sample (self, JDK code charged to its caller)",
                ownSelf, samples, TOP));
        b.append(table("redis-sessions, Jedis, Jackson and commons-pool2 methods on the stack (total, each counted once per sample)",
                ownTotal, samples, TOP));
        b.append(table("All methods on the stack (total)", total, samples, TOP));
        if (nativeSamples > 0) {
            b.append(table("Request threads in native code, by the innermost redis-sessions/Jedis frame (else the top frame)",
                    nativeWaits, nativeSamples, 12));
        }
        return b.toString();
    }

    private static RecordedMethod innermostNonJdk(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String t = f.getMethod().getType().getName();
            if (!t.startsWith("java.") && !t.startsWith("jdk.") && !t.startsWith("sun.")) {
                return f.getMethod();
            }
        }
        return frames.get(0).getMethod();
    }

    private static boolean isOwn(RecordedMethod m) {
        String c = component(m);
        return c.equals("redis-sessions") || c.equals("Jedis") || c.equals("Jackson") || c.equals("commons-pool2");
    }

    private static String firstOwnFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (isOwn(f.getMethod())) {
                return name(f.getMethod());
            }
        }
        return "(no redis-sessions frame) " + name(frames.get(0).getMethod());
    }

    private static String table(String title, Map<String, Integer> counts, int samples, int limit) {
        StringBuilder b = new StringBuilder(title + ":\n\n| share | samples | where |\n|---:|---:|---|\n");
        counts.entrySet().stream().sorted((a, c) -> Integer.compare(c.getValue(), a.getValue())).limit(limit)
                .forEach(e -> b.append(String.format("| %.1f%% | %d | `%s` |\n", 100.0 * e.getValue() / samples,
                        e.getValue(), e.getKey())));
        return b.append('\n').toString();
    }

    private static String name(RecordedMethod m) {
        return m.getType().getName() + "." + m.getName();
    }

    private static String component(RecordedMethod m) {
        String type = m.getType().getName();
        for (String[] c : COMPONENTS) {
            if (type.startsWith(c[0])) {
                return c[1];
            }
        }
        return "other";
    }
}
