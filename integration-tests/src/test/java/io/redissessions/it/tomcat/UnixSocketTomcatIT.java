package io.redissessions.it.tomcat;

import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The -all jar keeps junixsocket unrelocated (its JNI library binds by class name): Tomcat 11
 * with {@code uri="unix:///..."} reaches a Redis that listens on a unix socket only.
 */
class UnixSocketTomcatIT {

    @Test
    void allJarReachesRedisOverAUnixSocket() {
        Path home = TomcatDistributionTestBase.property("tomcat11.home");
        Path work = TomcatDistributionTestBase.property("tomcat.work").resolve("unix");
        try (RedisServer redis = RedisServer.builder().unixSocket().start()) {
            Path webapp = TomcatNode.webapp(home, work.resolve("webapp"));
            String manager = "<Manager className=\"io.redissessions.tomcat.RedisSessionManager\" uri=\"" + redis.uri()
                    + "\" namespace=\"unix\"/>";
            try (TomcatNode node = TomcatNode.install("u1", home, work, TomcatDistributionTestBase.property("tomcat.allJar"),
                    webapp, manager).start()) {
                Browser browser = Browser.of(node);
                String id = browser.body("/s?op=set&name=user&value=alice");
                assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
                // stored without the jvmRoute suffix
                assertThat(id).endsWith(".u1");
                assertThat(redis.command("KEYS", "rs:{unix:*")).contains(":s:" + id.substring(0, id.lastIndexOf('.')) + "\n");
                assertThat(node.catalinaLog()).contains("unix://").doesNotContain("SEVERE");
            }
        }
    }
}
