package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Settings (secrets masked) and counters of the store, read over JMX as an operator would. */
class JmxTest {

    @Test
    void storeShowsSettingsWithSecretsMaskedAndCounters() throws Exception {
        try (RedisServer redis = RedisServer.builder().password("s3cret-pw").start();
             JettyNode node = JettyNode.builder("nodeA", redis.uri()).jmx()
                     .store(f -> f.setPassword("s3cret-pw")).start()) {
            Browser client = Browser.of(node);
            client.body("/s?op=set&name=user&value=alice");
            client.body("/s?op=get&name=user");

            MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = mbeans.queryNames(new ObjectName("io.redissessions.jetty:type=redissessiondatastore,*"), null);
            assertThat(names).hasSize(1);
            ObjectName store = names.iterator().next();

            assertThat(mbeans.getAttribute(store, "password")).isEqualTo("****");
            assertThat((String) mbeans.getAttribute(store, "uri")).startsWith("redis://").doesNotContain("s3cret");
            assertThat(mbeans.getAttribute(store, "namespace")).isEqualTo("app");
            assertThat(mbeans.getAttribute(store, "codec")).isEqualTo("json");
            assertThat(mbeans.getAttribute(store, "failureMode")).isEqualTo("fail");
            assertThat((Long) mbeans.getAttribute(store, "loads")).isGreaterThanOrEqualTo(1);
            assertThat((Long) mbeans.getAttribute(store, "saves")).isGreaterThanOrEqualTo(1);
            assertThat((Long) mbeans.getAttribute(store, "skippedWrites")).isGreaterThanOrEqualTo(1);
            assertThat((Long) mbeans.getAttribute(store, "bytesRead")).isPositive();
            assertThat((Long) mbeans.getAttribute(store, "bytesWritten")).isPositive();
            assertThat((Long) mbeans.getAttribute(store, "decodeFailures")).isZero();
            assertThat((Long) mbeans.getAttribute(store, "redisErrors")).isZero();
            assertThat((Long) mbeans.getAttribute(store, "roundTrips")).isPositive();
            assertThat((Long) mbeans.getAttribute(store, "meanLatencyMicros")).isNotNegative();
            assertThat(mbeans.getAttribute(store, "gracePeriodSec")).isEqualTo(3600);

            Set<ObjectName> factories = mbeans.queryNames(
                    new ObjectName("io.redissessions.jetty:type=redissessiondatastorefactory,*"), null);
            assertThat(factories).hasSize(1);
            assertThat(mbeans.getAttribute(factories.iterator().next(), "password")).isEqualTo("****");
        }
    }
}
