package io.redissessions.tomcat;

import io.redissessions.core.Setting;
import io.redissessions.core.Settings;
import io.redissessions.core.SettingsView;
import io.redissessions.testing.SettingSamples;
import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.TestWebapp;
import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every setting of the table written as an attribute in a real {@code META-INF/context.xml}: the
 * digester hands each to the manager, the context starts, and JMX shows each one (secrets masked).
 */
class ContextXmlSettingsTest extends NodesTestBase {

    private final List<Path> docBases = new ArrayList<>();

    @AfterEach
    void deleteDocBases() {
        docBases.forEach(TestFiles::deleteRecursively);
    }

    private Path webappWithManager(Map<String, String> attributes) throws IOException {
        StringBuilder xml = new StringBuilder("<Context>\n  <Manager className=\"io.redissessions.tomcat.RedisSessionManager\"");
        attributes.forEach((name, value) -> xml.append("\n      ").append(name).append("=\"")
                .append(value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;")).append('"'));
        xml.append("/>\n</Context>\n");
        Path docBase = TomcatNode.webapp(Files.createTempDirectory("webapp-settings"), TestWebapp.Login.NONE);
        docBases.add(docBase);
        Files.createDirectories(docBase.resolve("META-INF"));
        Files.writeString(docBase.resolve("META-INF/context.xml"), xml);
        return docBase;
    }

    /** A value other than the default for every setting; one that lets the context start here. */
    private Map<String, String> everySetting() {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Setting<?> s : Settings.all()) {
            if (!s.name().startsWith("tls")) { // refused with this plain redis:// uri (RedisUriTest covers them)
                attributes.put(s.name(), SettingSamples.of(s));
            }
        }
        attributes.put("uri", redis.uri());
        attributes.put("namespace", namespace);
        return attributes;
    }

    @Test
    void everySettingWorksAsAContextXmlAttributeAndShowsInJmxMasked() throws Exception {
        Map<String, String> attributes = everySetting();
        TomcatNode node = started(node("xmlnode").docBase(webappWithManager(attributes)).managerFromContextXml().start());

        assertThat(node.context.getState()).isEqualTo(LifecycleState.STARTED);
        RedisSessionManager manager = node.contextManager();
        for (Setting<?> s : Settings.all()) {
            assertThat(manager.getConfig().get(s)).as(s.name()).isEqualTo(s.parse(attributes.get(s.name())));
        }

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(new ObjectName("xmlnode:type=Manager,*"), null);
        assertThat(names).hasSize(1);
        ObjectName name = names.iterator().next();
        Map<String, MBeanAttributeInfo> infos = Arrays.stream(server.getMBeanInfo(name).getAttributes())
                .collect(Collectors.toMap(MBeanAttributeInfo::getName, Function.identity()));
        SettingsView expected = new SettingsView(manager.getConfig());
        for (Setting<?> s : Settings.all()) {
            assertThat(infos).as("JMX attribute %s", s.name()).containsKey(s.name());
            assertThat(infos.get(s.name()).getType()).as("type of %s", s.name()).isEqualTo(s.jmxType());
            Object shown = server.getAttribute(name, s.name());
            if (s.isSecret() && attributes.containsKey(s.name())) {
                assertThat(shown).as(s.name()).isEqualTo(Setting.MASK);
            } else {
                assertThat(shown).as(s.name()).isEqualTo(expected.value(s));
            }
        }
        String configuration = (String) server.getAttribute(name, "configuration");
        for (Setting<?> s : Settings.all()) {
            if (s.isSecret() && attributes.containsKey(s.name())) {
                assertThat(configuration).contains(s.name() + "=****").doesNotContain(attributes.get(s.name()));
            }
        }
    }

    @Test
    void aFractionThatDoesNotParseStopsTheContextNamingTheSetting() throws IOException {
        Map<String, String> attributes = Map.of("uri", redis.uri(), "namespace", namespace,
                "touchIntervalFraction", "10%");
        Path docBase = webappWithManager(attributes);

        AtomicReference<TomcatNode> node = new AtomicReference<>();
        List<String> messages = ValvePlacementTest.captureLogs(
                () -> node.set(started(node("a").docBase(docBase).managerFromContextXml().start())));

        assertThat(node.get().context.getState()).isNotEqualTo(LifecycleState.STARTED);
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .contains("invalid value for setting 'touchIntervalFraction': '10%' (expected a number"));
    }
}
