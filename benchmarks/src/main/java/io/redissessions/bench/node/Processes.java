package io.redissessions.bench.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Signals and CPU time of processes this tool started, always by PID. */
public final class Processes {

    private static volatile Long clockTicksPerSecond;

    private Processes() {
    }

    /** {@code kill -s <signal> <pid>}: STOP, CONT, TERM, KILL. */
    public static void signal(long pid, String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -s " + signal + " " + pid + " failed: "
                        + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** User and system CPU time of a process so far, in nanoseconds ({@code /proc/<pid>/stat}). */
    public record Cpu(long userNanos, long systemNanos) {

        public long totalNanos() {
            return userNanos + systemNanos;
        }

        public Cpu minus(Cpu earlier) {
            return new Cpu(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos);
        }

        public Cpu plus(Cpu other) {
            return new Cpu(userNanos + other.userNanos, systemNanos + other.systemNanos);
        }
    }

    public static Cpu cpu(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: split after it
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long hz = clockTicksPerSecond();
            // utime and stime: fields 14 and 15 of the line
            return new Cpu(Long.parseLong(f[11]) * 1_000_000_000L / hz, Long.parseLong(f[12]) * 1_000_000_000L / hz);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long clockTicksPerSecond() {
        if (clockTicksPerSecond == null) {
            clockTicksPerSecond = Long.parseLong(run("getconf", "CLK_TCK").trim());
        }
        return clockTicksPerSecond;
    }

    /** Runs a command to completion (60 s at most) and returns its output; fails on a non-zero exit. */
    public static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * When this JVM ends before its own clean-up ran (Ctrl-C, a kill): SIGTERM to every process it
     * started (its descendants, by PID: containers, redis-server, wrk), SIGKILL to those still
     * alive 10 s later.
     */
    public static void stopDescendantsOnExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            java.util.List<ProcessHandle> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
            left.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (ProcessHandle p : left) {
                while (p.isAlive() && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }, "stop-started-processes"));
    }

    /** Stops a process by its PID: SIGTERM, then SIGKILL after the grace period. */
    public static void stop(Process process, long graceSeconds) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
