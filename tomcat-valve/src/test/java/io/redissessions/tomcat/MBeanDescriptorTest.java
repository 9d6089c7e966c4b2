package io.redissessions.tomcat;

import io.redissessions.core.Setting;
import io.redissessions.core.Settings;
import io.redissessions.core.store.StoreMetrics;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mbeans-descriptors.xml} lists exactly the settings of the table, with the table's JMX
 * types, read-only; every other attribute it lists is one the manager has a getter for.
 */
class MBeanDescriptorTest {

    private static Element mbean() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        try (InputStream in = RedisSessionManager.class.getResourceAsStream("mbeans-descriptors.xml")) {
            assertThat(in).as("mbeans-descriptors.xml next to RedisSessionManager").isNotNull();
            NodeList mbeans = factory.newDocumentBuilder().parse(in).getElementsByTagName("mbean");
            assertThat(mbeans.getLength()).isEqualTo(1);
            return (Element) mbeans.item(0);
        }
    }

    private static Map<String, Element> attributes(Element mbean) {
        Map<String, Element> attributes = new LinkedHashMap<>();
        NodeList list = mbean.getElementsByTagName("attribute");
        for (int i = 0; i < list.getLength(); i++) {
            Element a = (Element) list.item(i);
            assertThat(attributes.put(a.getAttribute("name"), a)).as("listed once: %s", a.getAttribute("name")).isNull();
        }
        return attributes;
    }

    @Test
    void theManagerMBeanAnswersTheSettingsFromTheTable() throws Exception {
        Element mbean = mbean();
        assertThat(mbean.getAttribute("type")).isEqualTo(RedisSessionManager.class.getName());
        assertThat(mbean.getAttribute("className")).isEqualTo(RedisSessionManagerMBean.class.getName());
    }

    @Test
    void listsEverySettingOfTheTableWithItsType() throws Exception {
        Map<String, Element> attributes = attributes(mbean());
        List<String> missing = new ArrayList<>();
        for (Setting<?> s : Settings.all()) {
            Element a = attributes.get(s.name());
            if (a == null) {
                missing.add("    <attribute name=\"" + s.name() + "\" description=\"" + s.description()
                        + "\" type=\"" + s.jmxType() + "\" writeable=\"false\"/>");
                continue;
            }
            assertThat(a.getAttribute("type")).as("type of %s", s.name()).isEqualTo(s.jmxType());
            assertThat(a.getAttribute("writeable")).as("%s is read-only", s.name()).isEqualTo("false");
        }
        assertThat(missing).as("settings of the table missing from mbeans-descriptors.xml; add these lines").isEmpty();
    }

    @Test
    void listsEveryCounterOfTheStoreAsALong() throws Exception {
        Map<String, Element> attributes = attributes(mbean());
        for (String counter : StoreMetrics.NAMES) {
            assertThat(attributes).as("counter %s in mbeans-descriptors.xml", counter).containsKey(counter);
            assertThat(attributes.get(counter).getAttribute("type")).as("type of %s", counter).isEqualTo("long");
        }
    }

    @Test
    void listsNothingElseThanTheSettingsCountersAndAttributesTheManagerHasGettersFor() throws Exception {
        List<String> unknown = new ArrayList<>();
        for (String name : attributes(mbean()).keySet()) {
            if (Settings.find(name) == null && !StoreMetrics.NAMES.contains(name) && !hasGetter(name)) {
                unknown.add(name);
            }
        }
        assertThat(unknown).as("neither a setting of the table, a counter of StoreMetrics nor a getter of "
                + "RedisSessionManager (a setting removed from the table?)").isEmpty();
    }

    private static boolean hasGetter(String attribute) {
        String suffix = Character.toUpperCase(attribute.charAt(0)) + attribute.substring(1);
        for (Method m : RedisSessionManager.class.getMethods()) {
            if (m.getParameterCount() == 0 && (m.getName().equals("get" + suffix) || m.getName().equals("is" + suffix))) {
                return true;
            }
        }
        return false;
    }
}
