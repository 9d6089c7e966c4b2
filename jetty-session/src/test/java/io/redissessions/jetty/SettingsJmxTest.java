package io.redissessions.jetty;

import io.redissessions.core.Setting;
import io.redissessions.core.Settings;
import io.redissessions.core.SettingsView;
import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.SettingSamples;
import org.junit.jupiter.api.Test;

import javax.management.Attribute;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every setting of the table on both JMX views, the factory's and the store's, with the table's
 * type and the same masking; and Jetty's own attributes still there.
 */
class SettingsJmxTest {

    private static final String CLIENT_NAME = "settings-jmx-test";
    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();

    /** The MBean of that type whose clientName is this test's (other tests' servers may still be registered). */
    private ObjectName mbean(String type) throws Exception {
        for (ObjectName name : mbeans.queryNames(new ObjectName("io.redissessions.jetty:type=" + type + ",*"), null)) {
            if (CLIENT_NAME.equals(mbeans.getAttribute(name, "clientName"))) {
                return name;
            }
        }
        throw new AssertionError("no " + type + " MBean of this test");
    }

    private void assertShowsEverySetting(ObjectName name, SettingsView expected) throws Exception {
        Map<String, MBeanAttributeInfo> infos = Arrays.stream(mbeans.getMBeanInfo(name).getAttributes())
                .collect(Collectors.toMap(MBeanAttributeInfo::getName, Function.identity()));
        for (Setting<?> s : Settings.all()) {
            assertThat(infos).as("%s has the JMX attribute %s", name, s.name()).containsKey(s.name());
            assertThat(infos.get(s.name()).getType()).as("type of %s", s.name()).isEqualTo(s.jmxType());
            Object shown = mbeans.getAttribute(name, s.name());
            assertThat(shown).as("%s of %s", s.name(), name).isEqualTo(expected.value(s));
            if (s.isSecret() && !s.name().startsWith("tls")) { // the tls* settings are not set here
                assertThat(shown).as(s.name()).isEqualTo(Setting.MASK);
            }
        }
    }

    @Test
    void factoryAndStoreShowEverySettingWithSecretsMasked() throws Exception {
        try (RedisServer redis = RedisServer.startStandalone();
             JettyNode node = JettyNode.builder("settingsjmx", redis.uri()).jmx().store(f -> {
                 for (Setting<?> s : Settings.all()) {
                     // tls*: refused with this plain redis:// uri; lockingMode: Jetty refuses to lock (Tomcat only)
                     if (!s.name().startsWith("tls") && !s.name().equals("lockingMode")) {
                         f.setSetting(s.name(), SettingSamples.of(s));
                     }
                 }
                 f.setUri(redis.uri());
                 f.setClientName(CLIENT_NAME);
             }).start()) {
            try {
                RedisSessionDataStore store = node.store();
                ObjectName factoryName = mbean("redissessiondatastorefactory");
                ObjectName storeName = mbean("redissessiondatastore");

                assertShowsEverySetting(factoryName, new SettingsView(store.getConfig()));
                assertShowsEverySetting(storeName, store.settingsView());
                assertThat(mbeans.getAttribute(storeName, "namespace")).isEqualTo(SettingSamples.of(Settings.NAMESPACE));
                assertThat(mbeans.getAttribute(storeName, "gracePeriodSec")).isEqualTo(3600);
                assertThat(mbeans.getAttribute(storeName, "redisReachable")).isNotNull();

                mbeans.setAttribute(factoryName, new Attribute("connectTimeoutMillis", 1234));
                assertThat(mbeans.getAttribute(factoryName, "connectTimeoutMillis")).isEqualTo(1234);
                assertThatThrownBy(() -> mbeans.setAttribute(storeName, new Attribute("connectTimeoutMillis", 1234)))
                        .isInstanceOf(javax.management.AttributeNotFoundException.class);
                assertThat(mbeans.getAttribute(storeName, "connectTimeoutMillis"))
                        .isEqualTo(store.getConfig().getConnectTimeoutMillis()).isNotEqualTo(1234);
            } finally {
                node.stop();
                node.server().destroy(); // unregisters this test's MBeans
            }
        }
    }
}
