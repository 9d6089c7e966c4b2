package io.redissessions.tomcat;

import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code cache="false"} Tomcat's FormAuthenticator keeps the user name and the password in
 * session notes to log in again at every request; they travel with the session, so the password
 * is stored in Redis. The manager says so at startup.
 */
class FormWithoutCacheWarningTest {

    private static RedisServer redis;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    private List<String> warnings() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogRecord::getMessage).toList();
    }

    @Test
    void formAuthenticatorWithoutCacheIsWarnedAboutAtStartup() {
        try (SecureTomcat tomcat = new SecureTomcat("form-nocache")) {
            tomcat.context(tomcat.defaultHost(), "/nocache", redis.uri(), SecureTomcat.Login.FORM_WITHOUT_CACHE,
                    m -> m.setNamespace("nocache"));
            tomcat.start();
            assertThat(warnings()).anySatisfy(w -> assertThat(w)
                    .contains("context [/nocache]")
                    .contains("cache=\"false\"")
                    .contains("password")
                    .contains("cache=\"true\""));
        }
    }

    @Test
    void formAuthenticatorWithCacheStartsWithoutThatWarning() {
        try (SecureTomcat tomcat = new SecureTomcat("form-cache")) {
            tomcat.context(tomcat.defaultHost(), "/cache", redis.uri(), SecureTomcat.Login.FORM,
                    m -> m.setNamespace("cache"));
            tomcat.start();
            assertThat(tomcat.get("localhost", "/cache/protected/x", null).body()).isEqualTo("LOGIN-PAGE");
            assertThat(warnings()).noneSatisfy(w -> assertThat(w).contains("cache=\"false\""));
        }
    }
}
