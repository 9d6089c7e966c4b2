package io.redissessions.testing.web;

/**
 * One node of a cluster under test as the {@link Browser} sees it: a name for messages and the
 * URL of the test webapp, e.g. {@code http://127.0.0.1:41234/app} (no trailing slash).
 */
public interface WebNode {

    String name();

    String baseUrl();
}
