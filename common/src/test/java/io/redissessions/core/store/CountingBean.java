package io.redissessions.core.store;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/** A bean that counts how often it is decoded (its setter runs once per JSON decode). */
public class CountingBean implements Serializable {
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException { in.defaultReadObject(); DECODED.incrementAndGet(); }
    private static final long serialVersionUID = 1L;
    static final AtomicInteger DECODED = new AtomicInteger();

    private String value;

    public CountingBean() {
    }

    public CountingBean(String value) {
        this.value = value;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        DECODED.incrementAndGet();
        this.value = value;
    }
}
