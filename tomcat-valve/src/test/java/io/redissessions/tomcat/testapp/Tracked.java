package io.redissessions.tomcat.testapp;

import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A bean that counts valueUnbound calls by its label, across every node of the test JVM. */
public class Tracked implements HttpSessionBindingListener {

    public static final Map<String, AtomicInteger> UNBOUND = new ConcurrentHashMap<>();

    private String label;

    public Tracked() {
    }

    public Tracked(String label) {
        this.label = label;
    }

    public String getLabel() {
        return label;
    }

    public void setLabel(String label) {
        this.label = label;
    }

    @Override
    public void valueUnbound(HttpSessionBindingEvent event) {
        UNBOUND.computeIfAbsent(label, k -> new AtomicInteger()).incrementAndGet();
    }

    public static int unbound(String label) {
        AtomicInteger n = UNBOUND.get(label);
        return n == null ? 0 : n.get();
    }
}
