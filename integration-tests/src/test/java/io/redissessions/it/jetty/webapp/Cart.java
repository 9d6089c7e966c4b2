package io.redissessions.it.jetty.webapp;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A webapp class kept in the session and changed in place (only the webapp's loader has it). */
public class Cart implements Serializable {

    private static final long serialVersionUID = 1L;

    private List<String> items = new ArrayList<>();

    public List<String> getItems() {
        return items;
    }

    public void setItems(List<String> items) {
        this.items = items;
    }
}
