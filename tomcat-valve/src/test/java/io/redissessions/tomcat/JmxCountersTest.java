package io.redissessions.tomcat;

import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The counters of the shared policy in the Manager's MBean, next to the store's own. */
class JmxCountersTest extends NodesTestBase {

    private static ObjectName manager(String engine) throws Exception {
        Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName(engine + ":type=Manager,*"), null);
        assertThat(names).hasSize(1);
        return names.iterator().next();
    }

    @Test
    void unreadableSessionsAndExpiryPassesAreCounted() throws Exception {
        TomcatNode a = start("jmxcounters");
        Browser browser = Browser.of(a);
        String id = browser.body("/s?op=set&name=user&value=alice");
        String key = a.contextManager().store().keys().sessionKey(id);
        redis.command("DEL", key);
        redis.command("SET", key, "not a session");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("no-session");
        a.backgroundProcess();
        a.backgroundProcess();

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = manager("jmxcounters");
        assertThat((Long) server.getAttribute(name, "unreadableSessions")).isEqualTo(1);
        assertThat((Long) server.getAttribute(name, "expiryPasses")).isGreaterThanOrEqualTo(2);
        assertThat((Long) server.getAttribute(name, "poolExhaustions")).isZero();
        assertThat((Long) server.getAttribute(name, "saveFailures")).isZero();
        assertThat((Long) server.getAttribute(name, "redisErrors")).isEqualTo(1); // the WRONGTYPE reply
        assertThat((Long) server.getAttribute(name, "saves")).isEqualTo(1);
    }
}
