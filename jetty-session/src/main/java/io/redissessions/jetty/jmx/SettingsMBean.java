package io.redissessions.jetty.jmx;

import io.redissessions.core.Setting;
import io.redissessions.core.Settings;
import io.redissessions.core.SettingsView;
import org.eclipse.jetty.jmx.ObjectMBean;

import javax.management.Attribute;
import javax.management.AttributeNotFoundException;
import javax.management.InvalidAttributeValueException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.ReflectionException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An MBean that shows every setting of {@link Settings} (secrets masked) besides the
 * {@code @ManagedAttribute}s of its object, so that a new setting needs no getter. Jetty's
 * {@code MBeanContainer} uses {@code <package>.jmx.<Class>MBean} for an object of class
 * {@code <package>.<Class>}: see the two subclasses.
 */
abstract class SettingsMBean extends ObjectMBean {

    private final boolean writable;
    private volatile MBeanInfo info;

    SettingsMBean(Object managed, boolean writable) {
        super(managed);
        this.writable = writable;
    }

    /** The settings of the managed object, as JMX shows them. */
    abstract SettingsView view();

    /** Sets a setting from the text of a JMX write (only if {@code writable}). */
    void set(String name, String text) {
        throw new UnsupportedOperationException(name);
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        MBeanInfo i = info;
        if (i == null) {
            MBeanInfo annotated = super.getMBeanInfo();
            Map<String, MBeanAttributeInfo> attributes = new LinkedHashMap<>();
            for (MBeanAttributeInfo a : annotated.getAttributes()) {
                attributes.put(a.getName(), a);
            }
            for (Setting<?> s : Settings.all()) {
                attributes.put(s.name(), new MBeanAttributeInfo(s.name(), s.jmxType(), s.description()
                        + (s.isSecret() ? " (masked)" : ""), true, writable, false));
            }
            i = new MBeanInfo(annotated.getClassName(), annotated.getDescription(),
                    attributes.values().toArray(new MBeanAttributeInfo[0]), annotated.getConstructors(),
                    annotated.getOperations(), annotated.getNotifications(), annotated.getDescriptor());
            info = i;
        }
        return i;
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException, ReflectionException, MBeanException {
        Setting<?> setting = name == null ? null : Settings.find(name);
        return setting != null ? view().value(setting) : super.getAttribute(name);
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException, ReflectionException, MBeanException {
        Setting<?> setting = attribute == null ? null : Settings.find(attribute.getName());
        if (setting == null) {
            super.setAttribute(attribute);
        } else if (!writable) {
            throw new AttributeNotFoundException(setting.name() + " is read-only");
        } else {
            try {
                set(setting.name(), attribute.getValue() == null ? null : attribute.getValue().toString());
            } catch (IllegalArgumentException e) {
                throw new MBeanException(new InvalidAttributeValueException(e.getMessage()), e.getMessage());
            }
        }
    }
}
