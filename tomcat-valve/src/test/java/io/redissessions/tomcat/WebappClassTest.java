package io.redissessions.tomcat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attribute values of a class that only the webapp's class loader can see (compiled at test time
 * into WEB-INF/classes; the servlet creates it reflectively through the context class loader).
 */
class WebappClassTest extends NodesTestBase {

    private static final String SET = "/s?op=webappSet&name=basket&value=alice&class=" + WebappClasses.BASKET;
    private static final String GET = "/s?op=webappGet&name=basket";

    private Path docBase;
    private Path otherDocBase;

    @AfterEach
    void deleteWebapps() {
        TomcatNode.deleteRecursively(docBase);
        TomcatNode.deleteRecursively(otherDocBase);
    }

    private TomcatNode startWith(String name, Path webapp, String allowedClasses) {
        return started(node(name).docBase(webapp).manager(m -> m.setAllowedClasses(allowedClasses)).start());
    }

    @Test
    void webappClassTravelsBetweenNodesWhenAllowed() {
        docBase = WebappClasses.docBaseWithBasket();
        TomcatNode a = startWith("a", docBase, "com.example.webapp.*");
        TomcatNode b = startWith("b", docBase, "com.example.webapp.*");
        Browser browser = new Browser(a, b);

        assertThat(browser.body(a, SET)).isEqualTo("stored");

        assertThat(browser.body(b, GET)).isEqualTo("Basket[alice] loader=webapp");
        assertThat(browser.body(a, GET)).isEqualTo("Basket[alice] loader=webapp");
    }

    @Test
    void webappClassWithoutAllowedClassesFailsNamingTheClassAndTheSetting() {
        docBase = WebappClasses.docBaseWithBasket();
        TomcatNode a = startWith("a", docBase, "");
        Browser browser = new Browser(a);

        HttpResponse<String> r = browser.get(SET);

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains(WebappClasses.BASKET).contains("allowedClasses");
    }

    @Test
    void attributeWhoseClassIsGoneFromTheWebappIsAbsentNotAnError() {
        docBase = WebappClasses.docBaseWithBasket();
        otherDocBase = WebappClasses.docBaseWithBasket();
        TomcatNode old = startWith("old", docBase, "com.example.webapp.*");
        TomcatNode upgraded = startWith("upgraded", otherDocBase, "com.example.webapp.*");
        TomcatNode.deleteRecursively(otherDocBase.resolve("WEB-INF/classes/com")); // the new version dropped it
        Browser browser = new Browser(old, upgraded);
        browser.body(old, "/s?op=set&name=user&value=alice");
        browser.body(old, SET);

        HttpResponse<String> r = browser.get(upgraded, GET);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("null");
        assertThat(browser.body(upgraded, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(upgraded.contextManager().getStoreMetrics().getDecodeFailures()).isEqualTo(1);
        // the node that still has the class reads it: the undecodable value was not written back
        assertThat(browser.body(old, GET)).isEqualTo("Basket[alice] loader=webapp");
    }
}
