package io.redissessions.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code wrk} (the Debian package) with rotate-cookies.lua: every request carries the next of
 * the given session cookies, so the load is spread over all sessions. The script's {@code done}
 * prints one {@code WRK_RESULT} line, parsed into a {@link Result}.
 */
public final class Wrk {

    private static final Pattern FIELD = Pattern.compile("(\\w+)=([0-9.]+)");

    private final Path script;
    private final int threads;
    private final int connections;

    public Wrk(Path workDir, int threads, int connections) {
        this.threads = threads;
        this.connections = connections;
        this.script = workDir.resolve("rotate-cookies.lua");
        io.redissessions.bench.node.Files2.copyResource("io/redissessions/bench/load/rotate-cookies.lua", script);
    }

    public int connections() {
        return connections;
    }

    public int threads() {
        return threads;
    }

    /** Requests/latency of one run; {@code non2xx} counts answers other than 2xx/3xx. */
    public record Result(long requests, double seconds, long non2xx, long socketErrors, long timeouts,
                         double p50Micros, double p99Micros, double maxMicros) {

        public double perSecond() {
            return requests / seconds;
        }

        /**
         * Two runs at the same time (two nodes): requests and errors added up, over the longer
         * duration; p50 the mean of both weighted by requests, p99 and max the larger.
         */
        public Result and(Result other) {
            long n = requests + other.requests;
            double p50 = n == 0 ? 0 : (p50Micros * requests + other.p50Micros * other.requests) / n;
            return new Result(n, Math.max(seconds, other.seconds), non2xx + other.non2xx, socketErrors + other.socketErrors,
                    timeouts + other.timeouts, p50, Math.max(p99Micros, other.p99Micros), Math.max(maxMicros, other.maxMicros));
        }
    }

    /** This wrk with {@code connections} and {@code threads} instead. */
    public Wrk with(int threads, int connections) {
        return new Wrk(threads, connections, script);
    }

    private Wrk(int threads, int connections, Path script) {
        this.script = script;
        this.threads = threads;
        this.connections = connections;
    }

    /** Runs {@code wrk} against {@code url} for {@code seconds}, with the cookies in {@code cookieFile}. */
    public Result run(String url, Path cookieFile, int seconds) {
        List<String> cmd = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "10s",
                "-s", script.toString(), url, "--", cookieFile.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("wrk did not finish");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("wrk exited with " + p.exitValue() + ": " + text);
            }
            return parse(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Result parse(String output) {
        String line = output.lines().filter(l -> l.startsWith("WRK_RESULT")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no WRK_RESULT line in wrk's output: " + output));
        Map<String, Double> f = new HashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            f.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        for (String k : List.of("requests", "duration_us", "status", "connect", "read", "write", "timeout", "p50_us", "p99_us", "max_us")) {
            if (!f.containsKey(k)) {
                throw new IllegalStateException("WRK_RESULT without " + k + ": " + line);
            }
        }
        return new Result(f.get("requests").longValue(), f.get("duration_us") / 1e6, f.get("status").longValue(),
                f.get("connect").longValue() + f.get("read").longValue() + f.get("write").longValue(),
                f.get("timeout").longValue(), f.get("p50_us"), f.get("p99_us"), f.get("max_us"));
    }

    /** Writes one {@code Cookie} header value per line. */
    public static Path writeCookies(Path file, List<String> cookies) {
        try {
            Files.write(file, cookies);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
