package io.redissessions.jetty;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Jetty versions redis-sessions runs on: 12.0.x and 12.1.x (tested with 12.0.0, 12.0.31,
 * 12.1.0 and 12.1.12). On any other version the module refuses to start with a message that names
 * the version, instead of failing later in a request with a linkage error or, worse, running on a
 * session cache whose contract changed. This class uses nothing of Jetty 12 but
 * {@code org.eclipse.jetty.util.Jetty}, so that the jetty-home module can call it first, also on
 * an older Jetty.
 */
public final class JettyVersion {

    /** What the message tells a user. */
    static final String SUPPORTED = "Jetty 12.0.x and 12.1.x";

    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)\\.\\d+.*");

    private JettyVersion() {
    }

    /**
     * Refuses a Jetty this version of redis-sessions does not support.
     *
     * @throws IllegalStateException naming the running version and the supported ones
     */
    public static void requireSupported() {
        String version;
        try {
            version = org.eclipse.jetty.util.Jetty.VERSION;
        } catch (LinkageError e) {
            version = null;
        }
        boolean core12Sessions = isPresent("org.eclipse.jetty.session.ManagedSession");
        requireSupported(version, core12Sessions);
    }

    /**
     * @param version        what Jetty says its version is (null if it does not say)
     * @param core12Sessions whether Jetty 12's core session classes are there
     */
    static void requireSupported(String version, boolean core12Sessions) {
        if (!core12Sessions) {
            throw refused(version);
        }
        Matcher m = version == null || version.contains(".z-") ? null : MAJOR_MINOR.matcher(version);
        if (m == null || !m.matches()) {
            return; // a build that does not say its version, with Jetty 12's session classes: let it run
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major != 12 || minor > 1) {
            throw refused(version);
        }
    }

    private static IllegalStateException refused(String version) {
        return new IllegalStateException("redis-sessions supports " + SUPPORTED + "; this server runs Jetty "
                + (version == null ? "of an unknown version" : version) + ". Use a redis-sessions release made for it, "
                + "or remove the modules session-store-redis and session-cache-redis.");
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, JettyVersion.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
