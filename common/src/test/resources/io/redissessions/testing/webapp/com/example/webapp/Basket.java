package com.example.webapp;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A class of the webapp's own (only the webapp's class loader has it), kept in the session and
 * changed in place. A bean for the JSON codec, Serializable for the java codec.
 */
public class Basket implements Serializable {

    private static final long serialVersionUID = 1L;

    private List<String> items = new ArrayList<>();

    public List<String> getItems() {
        return items;
    }

    public void setItems(List<String> items) {
        this.items = items;
    }

    @Override
    public String toString() {
        return items.toString();
    }
}
