package io.redissessions.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * The namespaces that contexts of one node derived by themselves (no {@code namespace} setting).
 * Two webapps that derive the same namespace would share their sessions without anybody having
 * asked for it (a user logged in to one would be logged in to the other), so the second one
 * refuses to start. Sharing on purpose is done by setting {@code namespace} on both.
 *
 * <p>A node is what the adapter says: Tomcat's {@code Server}, Jetty's session id manager. Within
 * a node, a namespace is claimed for one claimant (Tomcat: a host and context path, which every
 * version of a webapp shares; Jetty: the context); the same claimant may claim it more than once
 * (parallel deployment), each claim released when its context stops. Thread-safe.
 */
public final class DerivedNamespaces {

    /** A claim; {@link #release} it when the context stops. */
    public interface Claim {
        void release();
    }

    private static final Map<Object, Map<String, Holder>> BY_NODE = new WeakHashMap<>();

    private static final class Holder {
        final Object claimant;
        final String who;
        int count;

        Holder(Object claimant, String who) {
            this.claimant = claimant;
            this.who = who;
        }
    }

    private DerivedNamespaces() {
    }

    /**
     * Claims derived namespace {@code namespace} (of Redis {@code where}: URI and key prefix) on
     * {@code node} for {@code claimant}.
     *
     * @param who how messages name the claiming context, e.g. {@code context [/shop] of host [a.example]}
     * @throws ConfigurationException naming the {@code namespace} setting when another claimant
     *         of the node holds it
     */
    public static synchronized Claim claim(Object node, String where, String namespace, Object claimant, String who) {
        Objects.requireNonNull(node, "node");
        String key = where + "|" + namespace;
        Map<String, Holder> claims = BY_NODE.computeIfAbsent(node, n -> new HashMap<>());
        Holder holder = claims.get(key);
        if (holder != null && !holder.claimant.equals(claimant)) {
            throw new ConfigurationException("namespace", "(not set)", who + " derives the namespace '" + namespace
                    + "' from its context path and host, like " + holder.who + " on this node: the two would share"
                    + " their sessions. Set the namespace setting on one of them, or on both to the same value to"
                    + " share sessions on purpose");
        }
        if (holder == null) {
            holder = new Holder(claimant, who);
            claims.put(key, holder);
        }
        holder.count++;
        Holder held = holder;
        return new Claim() {
            private boolean released;

            @Override
            public void release() {
                synchronized (DerivedNamespaces.class) {
                    if (released) {
                        return;
                    }
                    released = true;
                    if (--held.count == 0 && claims.get(key) == held) {
                        claims.remove(key);
                    }
                }
            }
        };
    }
}
