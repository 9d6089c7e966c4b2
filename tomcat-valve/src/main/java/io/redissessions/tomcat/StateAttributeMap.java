package io.redissessions.tomcat;

import io.redissessions.core.store.SessionState;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link org.apache.catalina.session.StandardSession}'s attribute map, backed by a
 * {@link SessionState}: Tomcat's own code for listeners and events runs unchanged, while values
 * decode on first use through the webapp's class loader and encode when they are set (so that a
 * value that cannot be stored fails in the application's {@code setAttribute} call).
 *
 * <p>{@code put} and {@code remove} return the previous value, decoding it if needed, because
 * Tomcat hands it to {@code valueUnbound} and {@code attributeReplaced}.
 */
final class StateAttributeMap extends AbstractMap<String, Object> implements ConcurrentMap<String, Object> {

    private final RedisSession session;
    /** Names read, set or removed through this map: what a change of session id must carry over. */
    private final Set<String> touched = ConcurrentHashMap.newKeySet();
    /** Names removed through this map and not set again since. */
    private final Set<String> removed = ConcurrentHashMap.newKeySet();

    StateAttributeMap(RedisSession session) {
        this.session = session;
    }

    private SessionState state() {
        return session.state();
    }

    Set<String> touchedNames() {
        return touched;
    }

    boolean wasRemoved(String name) {
        return removed.contains(name);
    }

    @Override
    public Object get(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        touched.add(name);
        return state().getAttribute(name, session.classLoader());
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public Object put(String name, Object value) {
        Objects.requireNonNull(value, "value");
        Object previous = get(name);
        state().setAttribute(name, value, session.classLoader());
        removed.remove(name);
        session.changedAfterSave();
        return previous;
    }

    @Override
    public Object remove(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        Object previous = get(name);
        state().removeAttribute(name);
        removed.add(name);
        session.changedAfterSave();
        return previous;
    }

    @Override
    public void clear() {
        for (String name : state().attributeNames()) {
            remove(name);
        }
    }

    @Override
    public int size() {
        return state().attributeNames().size();
    }

    @Override
    public Set<String> keySet() {
        return state().attributeNames();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Set<String> names = state().attributeNames();
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                Iterator<String> it = names.iterator();
                return new Iterator<>() {
                    private Entry<String, Object> next = advance();

                    private Entry<String, Object> advance() {
                        while (it.hasNext()) {
                            String name = it.next();
                            Object value = get(name);
                            if (value != null) {
                                return new SimpleImmutableEntry<>(name, value);
                            }
                        }
                        return null;
                    }

                    @Override
                    public boolean hasNext() {
                        return next != null;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next == null) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, Object> e = next;
                        next = advance();
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return names.size();
            }
        };
    }

    @Override
    public Object putIfAbsent(String name, Object value) {
        synchronized (state()) {
            Object current = get(name);
            return current != null ? current : put(name, value);
        }
    }

    @Override
    public boolean remove(Object key, Object value) {
        synchronized (state()) {
            Object current = get(key);
            if (current != null && current.equals(value)) {
                remove(key);
                return true;
            }
            return false;
        }
    }

    @Override
    public boolean replace(String name, Object oldValue, Object newValue) {
        synchronized (state()) {
            Object current = get(name);
            if (current != null && current.equals(oldValue)) {
                put(name, newValue);
                return true;
            }
            return false;
        }
    }

    @Override
    public Object replace(String name, Object value) {
        synchronized (state()) {
            return get(name) != null ? put(name, value) : null;
        }
    }

    /** The values decoded so far are what the caller sees; nothing more is decoded for equality. */
    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
