package io.redissessions.testing;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RedisBinaryTest {

    @Test
    void extractsARunnableFallbackBinaryFromEmbeddedRedis() throws Exception {
        RedisAssumptions.require(System.getProperty("os.name", "").toLowerCase().contains("linux")
                        && System.getProperty("os.arch", "").matches("amd64|x86_64"),
                "the embedded-redis fallback binary is for linux-amd64 only", System::getenv);

        Path binary = RedisBinary.extractEmbedded();

        assertThat(Files.isExecutable(binary)).isTrue();
        Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("Redis server v=6.2");
    }

    @Test
    void resolvesSomeBinaryAndSaysWhereFrom() {
        assertThat(Files.isExecutable(RedisBinary.redisServer())).isTrue();
        System.out.println("redis-server for tests: " + RedisBinary.redisServer() + " (from " + RedisBinary.source()
                + ", TLS " + (RedisBinary.supportsTls() ? "supported" : "not supported") + ")");
        assertThat(RedisBinary.source()).isIn("$REDIS_SERVER", "PATH", "embedded-redis artifact");
    }
}
