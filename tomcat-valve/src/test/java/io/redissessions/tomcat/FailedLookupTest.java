package io.redissessions.tomcat;

import io.redissessions.core.store.StoreMetrics;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lookup that failed because Redis is unavailable is remembered for the rest of the request:
 * an application (or a framework) that catches the failure and asks for its session again does
 * not pay the timeouts again. (The test webapp's authenticator does not look the session up
 * first: with Tomcat's default authenticator that lookup would end the request at once.)
 */
class FailedLookupTest extends NodesTestBase {

    private final CookieClient client = new CookieClient();
    private RedisServer own;

    @AfterEach
    void stopOwnRedis() {
        if (own != null) {
            own.close();
        }
    }

    @Test
    void aLookupThatFailedBecauseRedisIsDownIsNotRepeatedInTheSameRequest() {
        int port = RedisServer.freePort();
        own = RedisServer.builder().port(port).start();
        TomcatNode a = started(TomcatNode.builder("a", own.uri(), namespace).context(CookieClient::installWithUncachedAuthenticator)
                .manager(m -> {
                    m.setConnectTimeoutMillis(500);
                    m.setSocketTimeoutMillis(500);
                }).start());
        String id = client.body(a, "/c?op=create", null);
        own.kill();
        StoreMetrics metrics = a.contextManager().getStoreMetrics();
        long errorsBefore = metrics.getRedisErrors();
        long roundTripsBefore = metrics.getRoundTrips();

        HttpResponse<String> r = client.get(a, "/c?op=lookups&times=3", id);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(metrics.getRoundTrips() - roundTripsBefore).as("Redis calls tried by the request").isEqualTo(1);
        assertThat(metrics.getRedisErrors() - errorsBefore).as("Redis calls failed for the request").isEqualTo(1);
    }
}
