package io.redissessions.core.store;

import io.redissessions.core.connection.RedisUri;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/operations.md shows what the tests verify: the ACL lines, and URIs that parse. */
class OperationsDocTest {

    private static String operationsMd() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docs/operations.md"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("docs/operations.md above the module directory").isNotNull();
        return Files.readString(dir.resolve("docs/operations.md"));
    }

    @Test
    void aclLinesAreTheOnesTheRestrictedUserTestsRun() throws IOException {
        String doc = operationsMd();
        assertThat(doc)
                .contains("\nACL SETUSER " + RestrictedAclUser.NAME + " " + RestrictedAclUser.rules("CHANGE-ME") + "\n")
                .contains("\nACL SETUSER " + RestrictedAclUser.NAME + " " + RestrictedAclUser.clusterRules("CHANGE-ME") + "\n")
                .contains("`" + RestrictedAclUser.SETINFO_RULE + "`");
    }

    @Test
    void everyRedisSessionsUriInTheDocParses() throws IOException {
        Matcher m = Pattern.compile("(?m)^(?:jetty\\.session\\.redis\\.uri=)?((?:redis|rediss|redis-sentinel|redis-cluster)://\\S+)$")
                .matcher(operationsMd());
        List<String> uris = new ArrayList<>();
        while (m.find()) {
            uris.add(m.group(1));
        }
        Matcher attr = Pattern.compile("uri=\"([^\"]+)\"").matcher(operationsMd());
        while (attr.find()) {
            uris.add(attr.group(1));
        }
        assertThat(uris).hasSizeGreaterThanOrEqualTo(4);
        for (String uri : uris) {
            RedisUri.parse("uri", uri);
        }
    }
}
