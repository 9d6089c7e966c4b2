package io.redissessions.tomcat;

import io.redissessions.core.store.SessionKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Error replies of a Redis that is up but cannot serve this node now (here: an ACL change, which
 * Redis answers with NOPERM) say nothing about the session: the request gets 503 (failureMode
 * fail), the session stays in Redis as it was, and works again once Redis serves the node again.
 * Never a new, empty session in its place, and never a deleted one.
 */
class RedisErrorRepliesTest extends NodesTestBase {

    /** HGETALLs that the ACL refused, also inside the load script (which then fails with ERR, not NOPERM). */
    private static final Pattern REFUSED_HGETALLS = Pattern.compile("cmdstat_hgetall:[^\\r\\n]*rejected_calls=(\\d+)");

    private final CookieClient client = new CookieClient();
    private String user;

    @BeforeEach
    void aclUser() {
        user = "u-" + namespace;
        redis.command("ACL", "SETUSER", user, "on", ">" + user + "-pw", "~*", "&*", "+@all");
    }

    private TomcatNode startNode(String name) {
        return started(TomcatNode.builder(name, redis.uri(user, user + "-pw"), namespace)
                .context(CookieClient::install).start());
    }

    private void acl(String... rules) {
        List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", user));
        args.addAll(List.of(rules));
        redis.command(args.toArray(String[]::new));
    }

    private String key(String id) {
        return new SessionKeys("rs:", namespace).sessionKey(RedisSessionManager.clusterId(id));
    }

    private static long noPermErrors() {
        Matcher m = REFUSED_HGETALLS.matcher(redis.command("INFO", "commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void loadRefusedByAnAclChangeAnswers503AndKeepsTheSession() {
        TomcatNode a = startNode("a");
        Browser browser = new Browser(a);
        String id = browser.body("/s?op=set&name=user&value=alice");
        acl("-hgetall");

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = browser.get("/s?op=get&name=user");
            assertThat(r.statusCode()).as("while HGETALL is refused: " + r.body()).isEqualTo(503);
            assertThat(r.headers().allValues("Set-Cookie")).as("no new session handed out").isEmpty();
        }
        assertThat(redis.command("EXISTS", key(id))).as("the stored session").isEqualTo(":1");

        acl("+hgetall");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.sessionId()).contains(id);
    }

    @Test
    void saveRefusedByAnAclChangeAnswers503AndKeepsTheStoredSession() {
        TomcatNode a = startNode("a");
        Browser browser = new Browser(a);
        String id = browser.body("/s?op=set&name=user&value=alice");
        acl("-evalsha", "-eval");

        HttpResponse<String> r = browser.get("/s?op=set&name=user&value=bob");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(redis.command("EXISTS", key(id))).isEqualTo(":1");
        acl("+evalsha", "+eval");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.sessionId()).contains(id);
    }

    @Test
    void saveRefusedInsideItsScriptByAnAclChangeAnswers503AndKeepsTheStoredSession() {
        TomcatNode a = startNode("a");
        Browser browser = new Browser(a);
        String id = browser.body("/s?op=set&name=user&value=alice");
        acl("-hset");

        HttpResponse<String> r = browser.get("/s?op=set&name=user&value=bob");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(redis.command("EXISTS", key(id))).isEqualTo(":1");
        acl("+hset");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("alice");
        assertThat(a.contextManager().isRedisReachable()).isTrue();
    }

    @Test
    void newSessionWhoseFirstSaveIsRefusedAnswers503WithoutASessionCookie() {
        TomcatNode a = startNode("a");
        Browser browser = new Browser(a);
        browser.body("/s?op=set&name=user&value=alice"); // the scripts are loaded on the server
        browser.forgetCookies();
        acl("-evalsha", "-eval");

        HttpResponse<String> r = browser.get("/s?op=set&name=user&value=bob");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void aLookupThatFailedIsNotRepeatedInTheSameRequest() {
        TomcatNode a = started(TomcatNode.builder("a", redis.uri(user, user + "-pw"), namespace)
                .context(CookieClient::installWithUncachedAuthenticator).start());
        String id = client.body(a, "/c?op=create", null);
        acl("-hgetall");
        long before = noPermErrors();

        HttpResponse<String> r = client.get(a, "/c?op=lookups&times=3", id);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(noPermErrors() - before).as("HGETALLs Redis refused for one request").isEqualTo(1);
    }
}
