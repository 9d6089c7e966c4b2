package io.redissessions.tomcat;

import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The Manager's MBean: settings with secrets masked, and the store's counters. */
class JmxTest extends NodesTestBase {

    private RedisServer withPassword;

    @AfterEach
    void stopOwnRedis() {
        if (withPassword != null) {
            withPassword.close();
        }
    }

    @Test
    void managerMBeanShowsSettingsWithSecretsMaskedAndCounters() throws Exception {
        withPassword = RedisServer.builder().password("jmx-secret-pw").start();
        TomcatNode a = started(TomcatNode.builder("jmxnode", withPassword.uri(), namespace)
                .manager(m -> {
                    m.setPassword("jmx-secret-pw");
                    m.setSigningKey("a-signing-key-of-32-bytes-length");
                })
                .start());
        Browser browser = Browser.of(a);
        browser.body("/s?op=set&name=user&value=alice");
        browser.body("/s?op=get&name=user");
        browser.body("/s?op=get&name=user");

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(new ObjectName("jmxnode:type=Manager,*"), null);
        assertThat(names).hasSize(1);
        ObjectName name = names.iterator().next();

        assertThat(server.getAttribute(name, "className")).isEqualTo(RedisSessionManager.class.getName());
        assertThat(server.getAttribute(name, "password")).isEqualTo("****");
        assertThat(server.getAttribute(name, "signingKey")).isEqualTo("****");
        assertThat((String) server.getAttribute(name, "uri")).isEqualTo(withPassword.uri())
                .doesNotContain("jmx-secret-pw");
        assertThat((String) server.getAttribute(name, "configuration")).contains("password=****")
                .doesNotContain("jmx-secret-pw").doesNotContain("a-signing-key");
        assertThat(server.getAttribute(name, "namespace")).isEqualTo(namespace);
        assertThat(server.getAttribute(name, "failureMode")).isEqualTo("fail");
        assertThat(server.getAttribute(name, "touchIntervalFraction")).isEqualTo(0.1);

        assertThat((Long) server.getAttribute(name, "loads")).isEqualTo(2);
        assertThat((Long) server.getAttribute(name, "saves")).isEqualTo(1);
        assertThat((Long) server.getAttribute(name, "skippedWrites")).isEqualTo(2);
        assertThat((Long) server.getAttribute(name, "bytesRead")).isPositive();
        assertThat((Long) server.getAttribute(name, "bytesWritten")).isPositive();
        assertThat((Long) server.getAttribute(name, "decodeFailures")).isZero();
        assertThat((Long) server.getAttribute(name, "redisErrors")).isZero();
        assertThat((Long) server.getAttribute(name, "roundTrips")).isGreaterThanOrEqualTo(4);
        assertThat((Long) server.getAttribute(name, "meanLatencyMicros")).isPositive();
        assertThat(server.getAttribute(name, "redisReachable")).isEqualTo(true);

        String[] attributes = Arrays.stream(server.getMBeanInfo(name).getAttributes())
                .map(MBeanAttributeInfo::getName).toArray(String[]::new);
        assertThat(attributes).contains("uri", "user", "password", "namespace", "codec", "allowedClasses",
                "connectTimeoutMillis", "socketTimeoutMillis", "poolMaxTotal", "poolMaxWaitMillis", "clientName",
                "tlsTrustStore", "tlsTrustStorePassword", "tlsKeyStore", "tlsKeyStorePassword", "keyPrefix", "nodeId",
                "expiryGraceSeconds", "touchIntervalFraction", "compressionThresholdBytes", "signingKey",
                "failureMode", "loads", "saves", "skippedWrites", "bytesRead", "bytesWritten", "decodeFailures",
                "redisErrors", "meanLatencyMicros");
        for (String attribute : attributes) {
            server.getAttribute(name, attribute); // every one readable
        }
    }
}
