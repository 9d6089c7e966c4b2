package io.redissessions.tomcat;

import io.redissessions.core.store.StoreMetrics;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import org.apache.catalina.Context;
import org.apache.catalina.authenticator.NonLoginAuthenticator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lookup that failed because Redis is unavailable is remembered for the rest of the request:
 * an application (or a framework) that catches the failure and asks for its session again
 * ({@code op=lookups}) does not pay the timeouts again. The webapp's authenticator here does not
 * look the session up first ({@code cache="false"}): with Tomcat's default authenticator that
 * lookup would end the request at once. (Jetty resolves a request's session once by design; its
 * own FailedLookupTest covers the lookup it repeats.)
 */
class FailedLookupTest extends NodesTestBase {

    private RedisServer own;

    @AfterEach
    void stopOwnRedis() {
        if (own != null) {
            own.close();
        }
    }

    /**
     * The two valves of a context.xml whose authenticator does not look up the session of every
     * request: RedisSessionValve, then NonLoginAuthenticator with {@code cache="false"}. The
     * application is then the first to ask for the session.
     */
    private static void uncachedAuthenticator(Context context) {
        context.getPipeline().addValve(new RedisSessionValve());
        NonLoginAuthenticator authenticator = new NonLoginAuthenticator();
        authenticator.setCache(false);
        context.getPipeline().addValve(authenticator);
    }

    @Test
    void aLookupThatFailedBecauseRedisIsDownIsNotRepeatedInTheSameRequest() {
        own = RedisServer.builder().port(RedisServer.freePort()).start();
        TomcatNode a = started(TomcatNode.builder("a", own.uri(), namespace).context(FailedLookupTest::uncachedAuthenticator)
                .manager(m -> {
                    m.setConnectTimeoutMillis(500);
                    m.setSocketTimeoutMillis(500);
                }).start());
        String id = Browser.of(a).body("/s?op=set&name=user&value=alice");
        own.kill();
        StoreMetrics metrics = a.contextManager().getStoreMetrics();
        long errorsBefore = metrics.getRedisErrors();
        long roundTripsBefore = metrics.getRoundTrips();

        Reply r = Browser.getWithSessionId(a, "/s?op=lookups&times=3", id);

        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(metrics.getRoundTrips() - roundTripsBefore).as("Redis calls tried by the request").isEqualTo(1);
        assertThat(metrics.getRedisErrors() - errorsBefore).as("Redis calls failed for the request").isEqualTo(1);
    }

    /** The same with an error reply: an ACL change refuses the HGETALL of the load script. */
    @Test
    void aLookupThatRedisRefusedIsNotRepeatedInTheSameRequest() {
        String user = "u-" + namespace;
        redis.command("ACL", "SETUSER", user, "on", ">" + user + "-pw", "~*", "&*", "+@all");
        TomcatNode a = started(TomcatNode.builder("a", redis.uri(user, user + "-pw"), namespace)
                .context(FailedLookupTest::uncachedAuthenticator).start());
        String id = Browser.of(a).body("/s?op=set&name=user&value=alice");
        redis.command("ACL", "SETUSER", user, "-hgetall");
        long before = refusedHgetalls();

        Reply r = Browser.getWithSessionId(a, "/s?op=lookups&times=3", id);

        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(refusedHgetalls() - before).as("HGETALLs Redis refused for one request").isEqualTo(1);
    }

    /** HGETALLs that an ACL refused, also inside the load script (which then fails with ERR). */
    private static long refusedHgetalls() {
        Matcher m = Pattern.compile("cmdstat_hgetall:[^\\r\\n]*rejected_calls=(\\d+)")
                .matcher(redis.command("INFO", "commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
