package io.redissessions.testing.contract;

import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.WebNode;

/**
 * The test's side of the webapp's gates ({@code op=hold}, {@code op=incr&gate=...}): control
 * requests without a session cookie, to the node whose requests wait at the gate.
 */
public final class Gate {

    private Gate() {
    }

    /** Returns once {@code count} requests have arrived at the gate on this node (the webapp waits, bounded). */
    public static void awaitArrivals(WebNode node, String gate, int count) {
        Reply r = Browser.getWithSessionId(node, "/s?op=gate-arrivals&gate=" + gate + "&count=" + count, null);
        if (r.status() != 200) {
            throw new AssertionError("requests did not arrive at gate " + gate + ": " + r);
        }
    }

    public static void release(WebNode node, String gate) {
        Browser.ok(Browser.getWithSessionId(node, "/s?op=gate-release&gate=" + gate, null));
    }
}
