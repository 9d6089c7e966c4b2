package io.redissessions.tomcat;

import io.redissessions.testing.TestFiles;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.TestWebapp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new version of the webapp without a class that the old version kept in sessions. That the
 * webapp's own classes travel (and are refused without allowedClasses) is the container
 * contract's ({@link TomcatSharingContractTest}, {@link TomcatUnreadableDataContractTest}).
 */
class WebappClassTest extends NodesTestBase {

    private Path oldVersion;
    private Path newVersion;

    @AfterEach
    void deleteWebapps() {
        TestFiles.deleteRecursively(oldVersion);
        TestFiles.deleteRecursively(newVersion);
    }

    @Test
    void attributeWhoseClassIsGoneFromTheWebappIsAbsentNotAnError() throws IOException {
        oldVersion = TomcatNode.webapp(Files.createTempDirectory("webapp-old"), TestWebapp.Login.NONE);
        newVersion = TomcatNode.webapp(Files.createTempDirectory("webapp-new"), TestWebapp.Login.NONE);
        Files.delete(newVersion.resolve("WEB-INF/classes/" + TestWebapp.BASKET.replace('.', '/') + ".class"));
        TomcatNode old = started(node("old").docBase(oldVersion).start());
        TomcatNode upgraded = started(node("upgraded").docBase(newVersion).start());
        Browser browser = Browser.of(old, upgraded);
        browser.body(old, "/s?op=set&name=user&value=alice");
        browser.body(old, "/s?op=basket-add&value=apple");

        Reply r = browser.get(upgraded, "/s?op=basket");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("no-basket");
        assertThat(browser.body(upgraded, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(upgraded.contextManager().getStoreMetrics().getDecodeFailures()).isEqualTo(1);
        // the node that still has the class reads it: the undecodable value was not written back
        assertThat(browser.body(old, "/s?op=basket")).isEqualTo("[apple] loader=webapp");
    }
}
