package io.redissessions.jetty;

import io.redissessions.core.store.SessionKeys;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's counters over JMX, with the same meaning as on Tomcat: {@code decodeFailures} counts
 * attribute values, {@code unreadableSessions} whole sessions whose data was proven bad.
 */
class JmxCountersTest {

    private static long counter(ObjectName store, String name) throws Exception {
        return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(store, name);
    }

    @Test
    void undecodableAttributesAndUnreadableSessionsAreCountedApart() throws Exception {
        try (RedisServer redis = RedisServer.startStandalone();
             JettyNode node = JettyNode.builder("nodeA", redis.uri()).jmx().start()) {
            Browser client = Browser.of(node);
            client.body("/s?op=set&name=good&value=1");
            String key = new SessionKeys("rs:", "app").sessionKey(client.clusterId());
            MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = mbeans.queryNames(
                    new ObjectName("io.redissessions.jetty:type=redissessiondatastore,*"), null);
            assertThat(names).hasSize(1);
            ObjectName store = names.iterator().next();

            redis.command("HSET", key, "a:bad", "not a value");
            assertThat(client.body("/s?op=get&name=bad")).isEqualTo("null");
            redis.command("DEL", key);
            redis.command("SET", key, "not a session");
            assertThat(client.body("/s?op=get&name=good")).isEqualTo("no-session");

            assertThat(counter(store, "decodeFailures")).as("attribute values").isEqualTo(1);
            assertThat(counter(store, "unreadableSessions")).as("sessions").isEqualTo(1);
            assertThat(counter(store, "saveFailures")).isZero();
            assertThat(counter(store, "poolExhaustions")).isZero();

            long passes = counter(store, "expiryPasses");
            node.scavenge();
            assertThat(counter(store, "expiryPasses")).as("one per scavenge").isEqualTo(passes + 1);

            node.stop();
            node.server().destroy(); // unregisters its MBeans: other tests of this JVM count them
            assertThat(mbeans.queryNames(new ObjectName("io.redissessions.jetty:*"), null)).isEmpty();
        }
    }
}
