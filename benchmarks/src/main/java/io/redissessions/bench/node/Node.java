package io.redissessions.bench.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One container process (Tomcat or jetty-home) serving {@link BenchWebapp} on a loopback port;
 * started by {@link TomcatNode} or {@link JettyNode}, stopped by its PID.
 */
public final class Node implements AutoCloseable {

    private final String name;
    private final int port;
    private final Path log;
    private final List<String> command;
    private final Path directory;
    private Process process;

    Node(String name, int port, Path directory, Path log, List<String> command) {
        this.name = name;
        this.port = port;
        this.directory = directory;
        this.log = log;
        this.command = List.copyOf(command);
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>/app} */
    public String baseUrl() {
        return "http://127.0.0.1:" + port + "/" + BenchWebapp.CONTEXT;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the process and waits (at most {@code timeout}) until {@code /app/ping} answers 200. */
    public Node start(Duration timeout) {
        try {
            process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + Files2.tail(log, 4000));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/ping"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause(200);
        }
        close();
        throw new IllegalStateException(name + " did not serve " + baseUrl() + "/ping within " + timeout + ":\n"
                + Files2.tail(log, 4000));
    }

    public Path log() {
        return log;
    }

    /** SIGTERM by PID, SIGKILL after 20 s. */
    @Override
    public void close() {
        Processes.stop(process, 20);
    }

    @Override
    public String toString() {
        return name + " (" + baseUrl() + ")";
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
