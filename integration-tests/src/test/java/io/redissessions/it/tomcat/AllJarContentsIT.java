package io.redissessions.it.tomcat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/** The drop-in jar holds its dependencies relocated, except junixsocket (native code binds by class name). */
class AllJarContentsIT {

    @Test
    void everyClassIsOursRelocatedOrJunixsocket() throws IOException {
        try (JarFile jar = new JarFile(TomcatDistributionTestBase.property("tomcat.allJar").toFile())) {
            List<String> classes = jar.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class"))
                    .map(n -> n.replaceFirst("^META-INF/versions/\\d+/", "")).toList();

            assertThat(classes).isNotEmpty().allSatisfy(name -> assertThat(name)
                    .matches("(io/redissessions/|org/newsclub/).*"));
            assertThat(classes).contains(
                    "io/redissessions/tomcat/RedisSessionManager.class",
                    "io/redissessions/tomcat/RedisSessionValve.class",
                    "io/redissessions/core/store/RedisSessionStore.class",
                    "io/redissessions/tomcat/shaded/redis/clients/jedis/UnifiedJedis.class",
                    "io/redissessions/tomcat/shaded/jackson/databind/ObjectMapper.class",
                    "io/redissessions/tomcat/shaded/pool2/impl/GenericObjectPool.class",
                    "io/redissessions/tomcat/shaded/slf4j/Logger.class",
                    "io/redissessions/tomcat/shaded/caffeine/cache/Caffeine.class",
                    "org/newsclub/net/unix/AFUNIXSocket.class");
            assertThat(jar.getEntry("io/redissessions/tomcat/mbeans-descriptors.xml")).isNotNull();
            assertThat(jar.stream().map(ZipEntry::getName))
                    .anyMatch(n -> n.matches("lib/amd64-Linux-clang/jni/libjunixsocket-native-[0-9.]+\\.so"));
            assertThat(jar.getManifest().getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
        }
    }
}
