package io.redissessions.tomcat;

import io.redissessions.core.Setting;
import io.redissessions.core.Settings;
import io.redissessions.core.store.StoreMetrics;
import org.apache.tomcat.util.modeler.BaseModelMBean;

import javax.management.AttributeNotFoundException;
import javax.management.MBeanException;
import javax.management.ReflectionException;

/**
 * The JMX view of a {@link RedisSessionManager}, named as its MBean class in
 * {@code mbeans-descriptors.xml} (Tomcat's convention, like its own {@code ContextMBean}):
 * every setting of {@link Settings} is answered from the table (secrets masked) and every counter
 * from the store's {@link StoreMetrics} under its own name (0 before the manager has started), so
 * the manager needs no getter for either; every other attribute ({@code redisReachable},
 * {@code localSessions}, Tomcat's own) as Tomcat's modeler does it, from the manager's getters.
 */
public class RedisSessionManagerMBean extends BaseModelMBean {

    public RedisSessionManagerMBean() {
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException, MBeanException, ReflectionException {
        if (name != null && resource instanceof RedisSessionManager manager) {
            Setting<?> setting = Settings.find(name);
            if (setting != null) {
                return manager.settings().shown(setting);
            }
            if (StoreMetrics.NAMES.contains(name)) {
                StoreMetrics metrics = manager.getStoreMetrics();
                return metrics == null ? 0L : metrics.snapshot().get(name);
            }
        }
        return super.getAttribute(name);
    }
}
