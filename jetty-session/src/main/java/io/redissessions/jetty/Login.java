package io.redissessions.jetty;

import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a Jetty authenticator keeps of a login in the session, as far as it travels between nodes:
 * the authentication method, the user name and the user's roles. Never a credential.
 */
record Login(String method, String user, SortedSet<String> roles) {

    Login {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(user, "user");
        roles = new TreeSet<>(roles);
    }
}
