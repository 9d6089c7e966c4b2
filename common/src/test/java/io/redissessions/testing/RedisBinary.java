package io.redissessions.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Finds the redis-server binary for tests: {@code $REDIS_SERVER}, else {@code redis-server} on
 * PATH, else the Linux binary shipped in the embedded-redis artifact from Maven Central (so the
 * test command works on a machine with nothing installed). Sentinels run as
 * {@code redis-server --sentinel}, so one binary serves every topology.
 */
public final class RedisBinary {

    private static final String EMBEDDED_RESOURCE = "/redis-server-6.2.6-v5-linux-amd64";

    private static volatile Path resolved;
    private static volatile String source;
    private static volatile Boolean tlsSupported;
    private static volatile Integer majorVersion;

    private RedisBinary() {
    }

    public static synchronized Path redisServer() {
        if (resolved != null) {
            return resolved;
        }
        String env = System.getenv("REDIS_SERVER");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException("REDIS_SERVER=" + env + " is not an executable file");
            }
            source = "$REDIS_SERVER";
            return resolved = p;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isExecutable(candidate)) {
                    source = "PATH";
                    return resolved = candidate;
                }
            }
        }
        source = "embedded-redis artifact";
        return resolved = extractEmbedded();
    }

    /** Where the binary came from, for messages. */
    public static String source() {
        redisServer();
        return source;
    }

    /** Extracts the embedded-redis binary (linux-amd64) to a temp file; package-private for its test. */
    static Path extractEmbedded() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("No redis-server found: set $REDIS_SERVER or install redis-server "
                    + "(apt-get install redis-server); the bundled fallback binary is for linux-amd64 only");
        }
        try (InputStream in = RedisBinary.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("No redis-server on PATH and the embedded-redis artifact is not on the test classpath");
            }
            Path dir = Files.createTempDirectory("redis-sessions-bin");
            Path target = dir.resolve("redis-server");
            // deleteOnExit runs in reverse order: the file first, then its directory
            dir.toFile().deleteOnExit();
            target.toFile().deleteOnExit();
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
            return target;
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract the embedded redis-server", e);
        }
    }

    /** The major version of the binary ({@code redis-server --version}: "v=7.0.15" is 7). */
    public static synchronized int majorVersion() {
        if (majorVersion == null) {
            try {
                Process p = new ProcessBuilder(redisServer().toString(), "--version").redirectErrorStream(true).start();
                p.getOutputStream().close();
                String text = new String(p.getInputStream().readAllBytes());
                p.waitFor(10, TimeUnit.SECONDS);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("v=(\\d+)\\.").matcher(text);
                if (!m.find()) {
                    throw new IllegalStateException("no version in: " + text);
                }
                majorVersion = Integer.parseInt(m.group(1));
            } catch (IOException e) {
                throw new IllegalStateException("cannot run redis-server --version: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return majorVersion;
    }

    /** Whether this binary was built with TLS support (Debian's is; the embedded fallback is not). */
    public static synchronized boolean supportsTls() {
        if (tlsSupported == null) {
            tlsSupported = probeTls();
        }
        return tlsSupported;
    }

    private static boolean probeTls() {
        try {
            // A build without TLS stops at once saying so; a TLS build complains about the missing files.
            Process p = new ProcessBuilder(redisServer().toString(), "--port", "0", "--tls-port", "1",
                    "--tls-cert-file", "/nonexistent", "--tls-key-file", "/nonexistent")
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(10, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String text = new String(p.getInputStream().readAllBytes());
            return !text.toLowerCase().contains("not supported") && !text.contains("Bad directive");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
