package com.example.webapp;

import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;

/** A bean of the webapp's own that logs its valueUnbound calls ("unbound node id label"). */
public class Tracked implements HttpSessionBindingListener {

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
        Events.append(event.getSession().getServletContext(), "unbound", event.getSession().getId(), label);
    }

    @Override
    public String toString() {
        return "Tracked[" + label + "]";
    }
}
