package io.redissessions.tomcat;

import io.redissessions.core.Setting;
import io.redissessions.core.Settings;
import org.apache.tomcat.util.modeler.BaseModelMBean;

import javax.management.AttributeNotFoundException;
import javax.management.MBeanException;
import javax.management.ReflectionException;

/**
 * The JMX face of {@link RedisSessionManager}, named as {@code className} in
 * {@code mbeans-descriptors.xml}: every setting of {@link Settings} is answered here, from the
 * table (secrets masked), so the manager needs no getter per setting; every other attribute as
 * Tomcat's modeler does it, from the manager's getters.
 */
public class RedisSessionManagerMBean extends BaseModelMBean {

    public RedisSessionManagerMBean() {
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException, MBeanException, ReflectionException {
        Setting<?> setting = name == null ? null : Settings.find(name);
        if (setting != null && resource instanceof RedisSessionManager manager) {
            return manager.settings().shown(setting);
        }
        return super.getAttribute(name);
    }
}
