package io.redissessions.bench.jmh;

import java.io.Serializable;
import java.math.BigDecimal;

/** A typical application bean in a session (allowed by name), for both codecs. */
public class CartLine implements Serializable {

    private static final long serialVersionUID = 1L;

    private String sku;
    private int quantity;
    private BigDecimal price;

    public CartLine() {
    }

    public CartLine(String sku, int quantity, BigDecimal price) {
        this.sku = sku;
        this.quantity = quantity;
        this.price = price;
    }

    public String getSku() { return sku; }
    public void setSku(String sku) { this.sku = sku; }
    public int getQuantity() { return quantity; }
    public void setQuantity(int quantity) { this.quantity = quantity; }
    public BigDecimal getPrice() { return price; }
    public void setPrice(BigDecimal price) { this.price = price; }
}
