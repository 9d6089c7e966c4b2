package io.redissessions.testing.contract;

import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.WebNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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

    /**
     * Sends request {@code i} ({@code op=hold} with {@code holdQueries[i]}, e.g.
     * {@code name=x&then=set&value=1}) to {@code nodes[i]}, waits until every one has loaded its
     * session and waits at its gate, releases them all and returns their replies, in order.
     */
    public static List<Reply> holdTogether(Browser browser, List<? extends WebNode> nodes, List<String> holdQueries) {
        List<CompletableFuture<Reply>> held = new ArrayList<>();
        List<String> gates = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String gate = "together-" + i + "-" + System.nanoTime();
            gates.add(gate);
            held.add(browser.getAsync(nodes.get(i), "/s?op=hold&gate=" + gate + "&" + holdQueries.get(i)));
        }
        for (int i = 0; i < nodes.size(); i++) {
            awaitArrivals(nodes.get(i), gates.get(i), 1);
        }
        for (int i = 0; i < nodes.size(); i++) {
            release(nodes.get(i), gates.get(i));
        }
        List<Reply> replies = new ArrayList<>();
        for (CompletableFuture<Reply> r : held) {
            try {
                replies.add(r.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new IllegalStateException("a held request failed: " + e, e);
            }
        }
        return replies;
    }
}
