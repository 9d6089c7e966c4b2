package io.redissessions.bench.load;

import io.redissessions.bench.node.Processes;
import io.redissessions.testing.RedisBinary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** One line about the machine and the software a run measured, for the reports. */
public final class Machine {

    private Machine() {
    }

    public static String describe() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException ignored) {
            // not Linux: the model stays unknown
        }
        long memGb = Math.round(((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() / 1e9);
        String redis = Processes.run(RedisBinary.redisServer().toString(), "--version").trim();
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memGb + " GB, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", JDK "
                + System.getProperty("java.runtime.version") + ", " + redis.replaceAll(" sha=.*", "")
                + "; load average at start " + loadAverage();
    }

    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    public static String now() {
        return ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
    }
}
