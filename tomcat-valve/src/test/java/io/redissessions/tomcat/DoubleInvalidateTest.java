package io.redissessions.tomcat;

import io.redissessions.tomcat.testapp.ConcurrencyServlet;
import io.redissessions.tomcat.testapp.SessionEvents;
import io.redissessions.tomcat.testapp.Tracked;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sessionDestroyed} and {@code valueUnbound} run only where the session was removed from
 * Redis: once, also when two requests invalidate one session at the same moment (a double-clicked
 * logout reaching two nodes, or one node twice).
 */
class DoubleInvalidateTest extends NodesTestBase {

    private final CookieClient client = new CookieClient();

    private TomcatNode startNode(String name) {
        return started(node(name).context(CookieClient::install).start());
    }

    private void invalidateAtOnce(TomcatNode first, TomcatNode second) throws Exception {
        Browser browser = new Browser(first);
        String label = namespace + "-tracked";
        String id = browser.body("/s?op=set&name=user&value=alice");
        browser.body("/s?op=tracked&name=tracked&value=" + label);
        String barrier = namespace + "-logout";
        ConcurrencyServlet.BARRIERS.put(barrier, new CyclicBarrier(2));

        // both requests have the session, meet, then invalidate it together
        CompletableFuture<HttpResponse<String>> one =
                client.getAsync(first, "/c?op=invalidateAfterBarrier&barrier=" + barrier, id);
        CompletableFuture<HttpResponse<String>> two =
                client.getAsync(second, "/c?op=invalidateAfterBarrier&barrier=" + barrier, id);
        List<String> answers = List.of(one.get(1, TimeUnit.MINUTES).body(), two.get(1, TimeUnit.MINUTES).body());

        assertThat(answers).allMatch(a -> a.equals("invalidated") || a.equals("already-invalid"));
        assertThat(SessionEvents.destroyed(id)).as("sessionDestroyed").isEqualTo(1);
        assertThat(Tracked.unbound(label)).as("valueUnbound").isEqualTo(1);
        assertThat(SessionEvents.USER_AT_DESTROY).containsEntry(id, "alice");
        assertThat(browser.body(second, "/s?op=get&name=user")).isEqualTo("no-session");
        assertThat(browser.body(first, "/s?op=get&name=user")).isEqualTo("no-session");
    }

    @Test
    void twoNodesInvalidatingOneSessionAtOnceFireOneSetOfEvents() throws Exception {
        invalidateAtOnce(startNode("a"), startNode("b"));
    }

    @Test
    void twoRequestsOnOneNodeInvalidatingOneSessionAtOnceFireOneSetOfEvents() throws Exception {
        TomcatNode a = startNode("a");
        invalidateAtOnce(a, a);
    }
}
