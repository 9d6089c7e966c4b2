package io.redissessions.it.spring.webapp;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A {@code @SessionScope} bean: Spring keeps it in the session as {@code scopedTarget.basket}. */
public class Basket implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> items = new ArrayList<>();

    public int add(String item) {
        items.add(item);
        return items.size();
    }

    public List<String> getItems() {
        return items;
    }
}
