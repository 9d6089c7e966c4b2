package io.redissessions.jetty;

import io.redissessions.core.Setting;
import io.redissessions.core.Settings;
import io.redissessions.testing.SettingSamples;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jetty-home module files against the settings table: {@code session-store.xml} sets every
 * setting from its property {@code jetty.session.redis.<name>} and nothing else, and the
 * {@code [ini-template]} of {@code session-store-redis.mod} lists every setting with its default,
 * commented out, and nothing else.
 */
class JettyModuleFilesTest {

    private static final Path XML = Path.of("src/main/jetty-base/etc/sessions/redis/session-store.xml");
    private static final Path MOD = Path.of("src/main/jetty-base/modules/session-store-redis.mod");
    private static final String PREFIX = "jetty.session.redis.";

    /** The settings session-store.xml sets, by name, with the property each one comes from. */
    private static Map<String, String> settingsOfTheXml() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Element root = factory.newDocumentBuilder().parse(XML.toFile()).getDocumentElement();
        Map<String, String> settings = new LinkedHashMap<>();
        NodeList calls = root.getElementsByTagName("Call");
        for (int i = 0; i < calls.getLength(); i++) {
            Element call = (Element) calls.item(i);
            if (!call.getAttribute("name").equals("setSetting")) {
                continue;
            }
            NodeList args = call.getElementsByTagName("Arg");
            assertThat(args.getLength()).as("setSetting takes a name and a property").isEqualTo(2);
            String name = args.item(0).getTextContent().trim();
            Element property = (Element) ((Element) args.item(1)).getElementsByTagName("Property").item(0);
            assertThat(settings.put(name, property == null ? null : property.getAttribute("name")))
                    .as("%s is set once", name).isNull();
        }
        NodeList sets = root.getElementsByTagName("Set");
        for (int i = 0; i < sets.getLength(); i++) {
            Element set = (Element) sets.item(i);
            String property = set.getAttribute("property");
            if (property.startsWith(PREFIX)) {
                assertThat(settings.put(set.getAttribute("name"), property)).as("%s is set once", property).isNull();
            }
        }
        return settings;
    }

    @Test
    void sessionStoreXmlSetsEverySettingFromItsPropertyAndNothingElse() throws Exception {
        Map<String, String> inXml = settingsOfTheXml();
        List<String> missing = new ArrayList<>();
        for (Setting<?> s : Settings.all()) {
            if (!inXml.containsKey(s.name())) {
                missing.add("        <Call name=\"setSetting\"><Arg>" + s.name() + "</Arg><Arg><Property name=\""
                        + PREFIX + s.name() + "\"/></Arg></Call>");
            }
        }
        assertThat(missing).as("settings of the table that %s does not set; add these lines", XML).isEmpty();
        inXml.forEach((name, property) -> {
            assertThat(Settings.find(name)).as("%s in %s is a setting of the table", name, XML).isNotNull();
            assertThat(property).as("the property of %s", name).isEqualTo(PREFIX + name);
        });
    }

    /** Runs session-store.xml on a server as jetty-home does, with these properties. */
    private static RedisSessionDataStoreFactory configuredBy(Map<String, String> properties) throws Exception {
        XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(XML.toAbsolutePath()));
        xml.getProperties().putAll(properties);
        Server server = new Server();
        xml.configure(server);
        RedisSessionDataStoreFactory factory = server.getBean(RedisSessionDataStoreFactory.class);
        assertThat(factory).isNotNull();
        return factory;
    }

    @Test
    void sessionStoreXmlGivesEachPropertyToItsSetting() throws Exception {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Setting<?> s : Settings.all()) {
            properties.put(PREFIX + s.name(), SettingSamples.of(s));
        }
        properties.put("jetty.session.gracePeriod.seconds", "120");

        RedisSessionDataStoreFactory factory = configuredBy(properties);

        for (Setting<?> s : Settings.all()) {
            assertThat(factory.copySettings().get(s)).as(s.name()).isEqualTo(s.parse(SettingSamples.of(s)));
        }
        assertThat(factory.getGracePeriodSec()).isEqualTo(120);
    }

    @Test
    void sessionStoreXmlPutsTheRedisIdManagerInPlaceOfTheSessionsModulesKeepingItsWorkerName() throws Exception {
        Server server = new Server();
        org.eclipse.jetty.session.DefaultSessionIdManager jetty = new org.eclipse.jetty.session.DefaultSessionIdManager(server);
        jetty.setWorkerName("node3");
        server.addBean(jetty, true); // what the sessions module's id-manager.xml does
        XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(XML.toAbsolutePath()));
        xml.configure(server);

        assertThat(server.getBeans(org.eclipse.jetty.session.SessionIdManager.class)).singleElement()
                .isInstanceOfSatisfying(RedisSessionIdManager.class, ids -> assertThat(ids.getWorkerName()).isEqualTo("node3"));
    }

    @Test
    void sessionStoreXmlWithoutPropertiesKeepsEveryDefault() throws Exception {
        RedisSessionDataStoreFactory factory = configuredBy(Map.of());

        for (Setting<?> s : Settings.all()) {
            assertThat(factory.copySettings().isSet(s)).as(s.name()).isFalse();
        }
    }

    @Test
    void sessionStoreXmlRefusesANumberThatDoesNotParseNamingTheSetting() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> configuredBy(Map.of(PREFIX + "connectTimeoutMillis", "2s")));

        List<String> messages = new ArrayList<>();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .contains("invalid value for setting 'connectTimeoutMillis': '2s'"));
    }

    @Test
    void iniTemplateListsEverySettingWithItsDefaultAndNothingElse() throws IOException {
        String mod = Files.readString(MOD);
        Matcher section = Pattern.compile("(?s)\\[ini-template]\\n(.*?)(?=\\n\\[|\\z)").matcher(mod);
        assertThat(section.find()).as("[ini-template] in %s", MOD).isTrue();
        Map<String, String> listed = new LinkedHashMap<>();
        Matcher line = Pattern.compile("(?m)^(#?)\\s*" + Pattern.quote(PREFIX) + "([^=\\s]+)=(.*)$").matcher(section.group(1));
        while (line.find()) {
            assertThat(line.group(1)).as("%s%s is commented out", PREFIX, line.group(2)).isEqualTo("#");
            assertThat(listed.put(line.group(2), line.group(3))).as("%s listed once", line.group(2)).isNull();
        }

        List<String> expected = new ArrayList<>();
        for (Setting<?> s : Settings.all()) {
            String line2 = "#" + PREFIX + s.name() + "=" + s.defaultText();
            if (!listed.containsKey(s.name()) || !listed.get(s.name()).equals(s.defaultText())) {
                expected.add(line2);
            }
        }
        assertThat(expected).as("lines of the table missing from (or wrong in) the [ini-template] of %s", MOD).isEmpty();
        assertThat(listed.keySet()).as("every property of the [ini-template] is a setting of the table")
                .allSatisfy(name -> assertThat(Settings.find(name)).as(name).isNotNull());
    }
}
