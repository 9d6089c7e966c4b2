package io.redissessions.tomcat;

import io.redissessions.core.store.StoreMetrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** nearCache=on on two Tomcat nodes: an unchanged session is answered "unchanged", a changed one is never served stale. */
class NearCacheAcrossNodesTest extends NodesTestBase {

    private TomcatNode startWithNearCache(String name) {
        return started(node(name).manager(m -> m.setProperty("nearCache", "on")).start());
    }

    @Test
    void aNodeServesItsCopyOnlyWhileNoOtherNodeChangedTheSession() {
        TomcatNode a = startWithNearCache("a");
        TomcatNode b = startWithNearCache("b");
        Browser browser = new Browser(a, b);
        browser.body(a, "/s?op=set&name=user&value=alice");
        StoreMetrics onA = a.manager.getStoreMetrics();

        long hits = onA.getNearCacheHits();
        assertThat(browser.body(a, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body(a, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(onA.getNearCacheHits() - hits).as("loads answered 'unchanged'").isEqualTo(2);

        browser.body(b, "/s?op=set&name=user&value=bob");
        hits = onA.getNearCacheHits();
        assertThat(browser.body(a, "/s?op=get&name=user")).as("b's write, never a's old copy").isEqualTo("bob");
        assertThat(onA.getNearCacheHits()).isEqualTo(hits);
        assertThat(browser.body(a, "/s?op=get&name=user")).isEqualTo("bob");
        assertThat(onA.getNearCacheHits()).isEqualTo(hits + 1);
    }
}
