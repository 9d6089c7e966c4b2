package io.redissessions.testing.contract;

import io.redissessions.testing.ErrorStats;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.core.store.StoreMetrics;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.WebNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container contract, part 4: Redis down when the container starts, down in the middle of
 * traffic, restarted, restarted with a long loading phase, and a save its replicas do not
 * acknowledge. With failureMode=fail a request that needs its session gets 503, never a new empty
 * session, and the stored session survives.
 */
public abstract class RedisOutageContract extends ContractSupport {

    /** A Redis of this test only whose data survives a crash (append-only file, fsync always). */
    private RedisServer durableRedis(int port) {
        return closeAfterTest(RedisServer.builder().port(port).set("appendonly", "yes").set("appendfsync", "always")
                .build());
    }

    private ClusterSpec on(RedisServer server) {
        return spec().withRedisUri(server.uri()).withTimeoutMillis(1000);
    }

    @Test
    void containerStartsWhileRedisIsDownAndSessionsWorkOnceItIsUp() {
        RedisServer own = durableRedis(RedisServer.freePort());
        ClusterUnderTest cluster = start(on(own));
        Browser browser = cluster.browser();

        assertFailureAnswer(browser.get(0, "/s?op=set&name=user&value=alice"), null, "Redis is down");
        assertThat(browser.body(1, "/s?op=ping")).as("a request that does not use its session").isEqualTo("pong");

        own.start();
        browser.forgetCookies();
        Poll.until(Duration.ofSeconds(10), "a session once Redis is up",
                () -> browser.get(0, "/s?op=set&name=user&value=alice").status() == 200);
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("alice");
    }

    @Test
    void redisDownMidTrafficAnswersTheFailureModeAndTheSessionSurvives() {
        RedisServer own = durableRedis(RedisServer.freePort()).start();
        ClusterUnderTest cluster = start(on(own));
        Browser browser = cluster.browser();
        String id = sessionWithUserAlice(browser, 0);

        own.kill();

        for (int i = 0; i < 4; i++) {
            assertFailureAnswer(browser.get("/s?op=get&name=user"), id, "Redis is down");
        }
        assertFailureAnswer(browser.get(0, "/s?op=set&name=user&value=mallory"), id, "Redis is down");
        assertThat(browser.clusterId()).isEqualTo(Browser.clusterId(id));

        own.start();

        Poll.until(Duration.ofSeconds(10), "the session after Redis is back",
                () -> browser.get(1, "/s?op=get&name=user").status() == 200);
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("alice");
        browser.body(0, "/s?op=set&name=user&value=bob");
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("bob");
        assertThat(browser.clusterId()).isEqualTo(Browser.clusterId(id));
    }

    @Test
    void redisRestartedBetweenTwoRequestsCostsNoRequest() {
        RedisServer own = durableRedis(RedisServer.freePort()).start();
        ClusterUnderTest cluster = start(on(own).withNodes(1));
        Browser browser = cluster.browser();
        browser.body("/s?op=set&name=user&value=alice");
        browser.body("/s?op=set&name=user&value=bob"); // pooled connections exist

        own.kill();
        own.start();

        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("bob");
        browser.body("/s?op=set&name=user&value=carol");
        assertThat(browser.body("/s?op=get&name=user")).isEqualTo("carol");
    }

    /**
     * A restart whose loading phase lasts (as with a large data set): meanwhile Redis
     * answers every command with {@code -LOADING}, which says nothing about the session. The
     * requests get the failure answer; afterwards the session is there, unchanged.
     */
    @Test
    void sessionSurvivesARedisRestartWithALongLoadingPhase() {
        LoadingRedis loading = closeAfterTest(LoadingRedis.start());
        ClusterUnderTest cluster = start(spec().withRedisUri(loading.server().uri()).withTimeoutMillis(1000));
        Browser browser = cluster.browser();
        String id = sessionWithUserAlice(browser, 0);

        loading.restartIntoLoading();
        for (int k = 0; k < 2; k++) {
            assertFailureAnswer(browser.get(k, "/s?op=get&name=user"), id, "Redis is loading");
        }
        assertThat(ErrorStats.read(loading.server()).count("LOADING")).as("-LOADING replies Redis sent since it restarted")
                .isPositive();
        assertThat(loading.isLoading()).as("Redis still loading after the requests").isTrue();
        loading.awaitLoaded();

        assertThat(exists(loading.server(), sessionKey(id))).as("the session in Redis").isTrue();
        assertThat(browser.body(0, "/s?op=get&name=user")).isEqualTo("alice");
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("alice");
        browser.body(0, "/s?op=set&name=user&value=bob");
        assertThat(browser.body(1, "/s?op=get&name=user")).isEqualTo("bob");
        assertThat(browser.clusterId()).isEqualTo(Browser.clusterId(id));
    }

    /**
     * {@code saveReplicas} set and no replica there to acknowledge: the master applies the save,
     * but the request gets the failure answer, in every failureMode (Redis is reachable: a
     * node-local session would split the user's state), and the save is counted. Reads that save
     * nothing are served. The session is made by a node without the setting (one cluster each, one
     * namespace), since a new session's save fails the same way.
     */
    @ParameterizedTest(name = "failureMode={0}")
    @ValueSource(strings = {"fail", "local"})
    void aSaveNoReplicaAcknowledgesGetsTheFailureAnswerInEveryFailureMode(String failureMode) {
        ClusterUnderTest plain = start(spec().withNodes(1).withNamePrefix("plain-"));
        ClusterUnderTest replicated = start(spec().withNodes(1).withNamePrefix("replicated-").withFailureMode(failureMode)
                .withSetting("saveReplicas", "1").withSetting("saveReplicasTimeoutMillis", "100"));
        Browser browser = new Browser(List.<WebNode>of(plain.node(0), replicated.node(0)));
        String id = sessionWithUserAlice(browser, 0);

        assertFailureAnswer(browser.get(1, "/s?op=set&name=user&value=bob"), id, "no replica acknowledges the save");

        assertThat(sum(replicated, StoreMetrics::getUnreplicatedSaves)).as("unreplicatedSaves").isEqualTo(1);
        assertThat(browser.body(0, "/s?op=get&name=user")).as("what the master applied").isEqualTo("bob");
        assertThat(browser.body(1, "/s?op=get&name=user")).as("a read saves nothing").isEqualTo("bob");
        assertThat(browser.clusterId()).isEqualTo(Browser.clusterId(id));
    }
}
