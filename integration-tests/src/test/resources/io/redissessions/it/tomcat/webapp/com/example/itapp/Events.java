package com.example.itapp;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends "destroyed <id> <user>" to this node's event file (-Dit.events), one line per event. */
public class Events implements HttpSessionListener {

    @Override
    public void sessionDestroyed(HttpSessionEvent se) {
        append("destroyed " + se.getSession().getId() + " " + se.getSession().getAttribute("user"));
    }

    static synchronized void append(String line) {
        try {
            Files.writeString(Path.of(System.getProperty("it.events")), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
