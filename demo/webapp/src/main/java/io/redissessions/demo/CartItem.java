package io.redissessions.demo;

import java.io.Serializable;

/**
 * One line of the cart. A webapp class (visible only to the webapp's class loader), stored in
 * the session inside a {@code List} and changed in place: the containers must notice that
 * without a {@code setAttribute}. Allowed by the setting {@code allowedClasses="io.redissessions.demo.*"}.
 *
 * <p>A bean (no-argument constructor, getters and setters) for the json codec, and
 * {@link Serializable} for the java codec.
 */
public class CartItem implements Serializable {

    private static final long serialVersionUID = 1L;

    private String name;
    private int quantity;

    public CartItem() {
    }

    public CartItem(String name, int quantity) {
        this.name = name;
        this.quantity = quantity;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public int getQuantity() {
        return quantity;
    }

    public void setQuantity(int quantity) {
        this.quantity = quantity;
    }

    @Override
    public String toString() {
        return quantity + " x " + name;
    }
}
