package io.redissessions.core.codec;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Delegates to its parent and records the name of every class it is asked to load. */
final class RecordingClassLoader extends ClassLoader {

    private final List<String> requested = new CopyOnWriteArrayList<>();

    RecordingClassLoader(ClassLoader parent) {
        super("recording", parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        requested.add(name);
        return super.loadClass(name, resolve);
    }

    List<String> requested() {
        return List.copyOf(requested);
    }
}
