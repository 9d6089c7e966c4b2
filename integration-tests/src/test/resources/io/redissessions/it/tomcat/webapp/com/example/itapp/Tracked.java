package com.example.itapp;

import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;

/** A bean of the webapp's own: stored with allowedClasses="com.example.itapp.*"; logs valueUnbound. */
public class Tracked implements HttpSessionBindingListener {

    private String label;

    public Tracked() {
    }

    public String getLabel() {
        return label;
    }

    public void setLabel(String label) {
        this.label = label;
    }

    @Override
    public void valueUnbound(HttpSessionBindingEvent event) {
        Events.append("unbound " + label);
    }

    @Override
    public String toString() {
        return "Tracked[" + label + "]";
    }
}
