package io.redissessions.tomcat;

import org.apache.catalina.Authenticator;
import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Valve;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

/**
 * Puts {@link RedisSessionValve} where it must be: before the authenticator, so that the FORM
 * login's redirect leaves with the session already saved.
 *
 * <ul>
 *   <li>When the context starts ({@code before_start}, before Tomcat adds the authenticator)
 *       and no RedisSessionValve is configured on the context, its host or its engine, one is
 *       added to the context. The {@code <Valve>} line is therefore optional.</li>
 *   <li>When the Manager starts, a RedisSessionValve that comes after an authenticator in the
 *       context's pipeline (possible only when the authenticator is declared as a
 *       {@code <Valve>} line above it) stops the context with a message saying what to move.</li>
 * </ul>
 */
final class ValvePlacement implements LifecycleListener {

    private static final Log log = LogFactory.getLog(ValvePlacement.class);

    private final Context context;

    private ValvePlacement(Context context) {
        this.context = context;
    }

    /** Adds the listener that installs the valve when the context starts, if needed. */
    static void installWhenStarting(Context context) {
        for (LifecycleListener l : context.findLifecycleListeners()) {
            if (l instanceof ValvePlacement) {
                return;
            }
        }
        context.addLifecycleListener(new ValvePlacement(context));
    }

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())
                && context.getManager() instanceof RedisSessionManager && !present(context)) {
            context.getPipeline().addValve(new RedisSessionValve());
            log.info("redis-sessions: added RedisSessionValve to context [" + context.getName()
                    + "] (no <Valve className=\"" + RedisSessionValve.class.getName() + "\"/> was configured)");
        }
    }

    /** Whether a RedisSessionValve is on the context, its host or its engine. */
    static boolean present(Context context) {
        for (Container c = context; c != null; c = c.getParent()) {
            for (Valve v : c.getPipeline().getValves()) {
                if (v instanceof RedisSessionValve) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Returns null if the valve is where it must be, else what is wrong and how to fix it.
     */
    static String problem(Context context) {
        for (Container c = context.getParent(); c != null; c = c.getParent()) {
            for (Valve v : c.getPipeline().getValves()) {
                if (v instanceof RedisSessionValve) {
                    return null; // host and engine valves run before every context valve
                }
            }
        }
        Valve authenticator = null;
        for (Valve v : context.getPipeline().getValves()) {
            if (v instanceof RedisSessionValve) {
                if (authenticator == null) {
                    return null;
                }
                return "redis-sessions: in context [" + context.getName() + "] the <Valve className=\""
                        + RedisSessionValve.class.getName() + "\"/> comes after the authenticator "
                        + authenticator.getClass().getName() + ", so a login would answer before its session is "
                        + "saved. Move the RedisSessionValve line above the authenticator's <Valve> line in "
                        + "context.xml (or remove the RedisSessionValve line: the RedisSessionManager then adds "
                        + "the valve in the right place itself).";
            }
            if (v instanceof Authenticator) {
                authenticator = v;
            }
        }
        return "redis-sessions: context [" + context.getName() + "] has no RedisSessionValve. Add <Valve className=\""
                + RedisSessionValve.class.getName() + "\"/> to its context.xml, before any authenticator valve.";
    }
}
