package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.session.FailureReaction;
import io.redissessions.core.session.SessionService;
import io.redissessions.core.store.RedisSessionStore.SaveResult;
import io.redissessions.testing.CommandStats;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RecordingLog;
import io.redissessions.testing.RedisClusterGroup;
import io.redissessions.testing.RedisSentinelGroup;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code saveReplicas}: a save waits for replicas with {@code WAIT}, sent with the save script in
 * the same round trip, on the connection of the master that holds the session (issue #12: a
 * Sentinel failover lost about a second of acknowledged saves).
 */
@Timeout(180)
class SaveReplicasTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void close() throws Exception {
        callers.shutdownNow();
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T use(T resource) {
        resources.add(resource);
        return resource;
    }

    private static SessionStoreConfig config(String uri, int replicas) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setEnvironment(Map.<String, String>of()::get);
        c.setUri(uri);
        c.setSaveReplicas(replicas);
        c.setSaveReplicasTimeoutMillis(500);
        return c;
    }

    private static SessionState changed(RedisSessionStore store, String id, Object value) {
        SessionState s = store.open(id);
        if (s == null) {
            s = store.newSession(id, 600);
        }
        s.setAttribute("n", value);
        return s;
    }

    private static Object stored(RedisSessionStore store, String id) {
        return store.open(id).getAttribute("n", SaveReplicasTest.class.getClassLoader());
    }

    @Test
    void withItsReplicaStoppedASaveGetsTheFailureAndWithTheReplicaUpItSucceeds() {
        RedisSentinelGroup group = use(RedisSentinelGroup.start());
        RecordingLog log = new RecordingLog();
        SessionStoreConfig c = config(group.uri(), 1);
        c.setFailureMode("local"); // not "Redis is unreachable": the answer is the failure all the same
        SessionService service = use(new SessionService(c, "replicas", "context [/replicas]",
                MutableClock.startingNow(), log));
        RedisSessionStore store = service.store();

        assertThat(service.save(changed(store, "s1", 1))).isEqualTo(SaveResult.SAVED);

        RedisServer master = group.master();
        RedisServer replica = group.replica();
        replica.stop();
        Poll.until(BOUND, "the master sees no replica", () ->
                master.info("replication", "connected_slaves").equals("0"));

        SaveNotReplicatedException e = catchThrowableOfType(SaveNotReplicatedException.class,
                () -> service.save(changed(store, "s1", 2)));
        assertThat(e).hasMessageContaining("0 of saveReplicas=1 replicas acknowledged it within "
                + "saveReplicasTimeoutMillis=500");
        assertThat(e.replicasAcknowledged()).isZero();
        assertThat(service.reactionTo(e)).isEqualTo(FailureReaction.ANSWER_FAILURE);
        assertThat(service.failureMessage(e, "save the session")).contains("too few replicas");
        assertThat(service.availability().isReachable()).as("the master answered").isTrue();
        assertThat(service.metrics().getUnreplicatedSaves()).isEqualTo(1);
        assertThat(log.count("WARN", "such requests get 503")).isEqualTo(1);
        assertThat(stored(store, "s1")).as("the master has it").isEqualTo(2);

        replica.start();
        Poll.until(BOUND, "the replica is linked again", () ->
                replica.command("INFO", "replication").contains("master_link_status:up"));
        assertThat(service.save(changed(store, "s1", 3))).isEqualTo(SaveResult.SAVED);
        assertThat(service.metrics().getUnreplicatedSaves()).isEqualTo(1);
        assertThat(replica.command("HGET", store.keys().sessionKey("s1"), "a:n"))
                .as("on the replica when the save returned").isNotNull();
    }

    @Test
    void theSaveAndItsWaitAreSentTogetherInOneRoundTrip() throws Exception {
        RedisServer master = use(RedisServer.startStandalone());
        RedisServer replica = use(RedisServer.builder().set("replicaof", "127.0.0.1 " + master.port()).start());
        Poll.until(BOUND, "the replica is linked", () ->
                replica.command("INFO", "replication").contains("master_link_status:up"));
        TcpProxy network = use(TcpProxy.start());
        network.forwardTo(master.port());
        RedisSessionStore store = use(new RedisSessionStore(config("redis://" + network.address(), 1), "replicas",
                MutableClock.startingNow()));
        assertThat(changed(store, "s2", 1).save()).isEqualTo(SaveResult.SAVED); // the script is known now
        SessionState state = changed(store, "s2", 2);
        long roundTripsBefore = store.metrics().getRoundTrips();

        network.hold();
        Future<SaveResult> save = callers.submit(state::save);
        // both commands reach the network before any reply could have come back
        Poll.until(BOUND, "EVALSHA and WAIT are both on their way", () -> {
            String held = network.heldRequests();
            return held.contains("EVALSHA") && held.contains("WAIT");
        });
        network.release();

        assertThat(save.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(SaveResult.SAVED);
        assertThat(store.metrics().getRoundTrips() - roundTripsBefore).isEqualTo(1);
        assertThat(replica.command("HGET", store.keys().sessionKey("s2"), "a:n")).isNotNull();
    }

    @Test
    void onClusterTheWaitGoesToTheMasterOfTheSessionsSlot() {
        RedisClusterGroup cluster = use(RedisClusterGroup.start());
        RedisSessionStore store = use(new RedisSessionStore(config(cluster.uri(), 1), "replicas",
                MutableClock.startingNow()));
        String id = "cluster-session";
        RedisServer owner = cluster.nodeForSlot(slotOf(store.keys().sessionKey(id)));
        catchThrowableOfType(SaveNotReplicatedException.class, () -> changed(store, id, 0).save()); // scripts known
        Map<RedisServer, CommandStats> before = new java.util.HashMap<>();
        for (RedisServer node : cluster.nodes()) {
            before.put(node, CommandStats.read(node));
        }

        SaveNotReplicatedException e = catchThrowableOfType(SaveNotReplicatedException.class,
                () -> changed(store, id, 1).save());

        assertThat(e).as("three masters without replicas").hasMessageContaining("0 of saveReplicas=1");
        for (RedisServer node : cluster.nodes()) {
            Map<String, Long> ran = CommandStats.read(node).minus(before.get(node));
            if (node == owner) {
                assertThat(ran).containsEntry("wait", 1L).containsEntry("evalsha", 1L);
            } else {
                assertThat(ran).doesNotContainKeys("wait", "evalsha", "eval");
            }
        }
        assertThat(stored(store, id)).isEqualTo(1);
    }

    private static int slotOf(String key) {
        return redis.clients.jedis.util.JedisClusterCRC16.getSlot(key);
    }
}
