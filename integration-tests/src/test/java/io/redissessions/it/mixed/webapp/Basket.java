package io.redissessions.it.mixed.webapp;

import java.util.ArrayList;
import java.util.List;

/** A class of the webapp's own, kept in the session (JSON codec, allowedClasses) and changed in place. */
public class Basket {

    private List<String> items = new ArrayList<>();

    public List<String> getItems() {
        return items;
    }

    public void setItems(List<String> items) {
        this.items = items;
    }
}
