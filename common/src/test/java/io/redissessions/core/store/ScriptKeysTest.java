package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.testing.MutableClock;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.ScriptMonitor;
import io.redissessions.testing.ScriptMonitor.Executed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key a script touches is one it declared in KEYS, and the keys of one script call share
 * one Cluster slot (Cluster proxies and Redis-compatible servers enforce both). Checked by the
 * server's own account: MONITOR shows each command a script runs, and COMMAND GETKEYS says which
 * of its arguments are keys.
 */
class ScriptKeysTest {

    /** Every script of the store: the test runs each of them. */
    private static final List<String> SCRIPTS = List.of("load.lua", "save.lua", "exists.lua", "delete.lua",
            "rename.lua", "candidates.lua", "claim.lua", "finish.lua", "lock.lua", "release.lua", "renew.lua");

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "").toUpperCase();
    }

    @Test
    void everyKeyAScriptTouchesIsDeclaredAndInOneSlot() {
        MutableClock clock = MutableClock.startingNow();
        SessionStoreConfig config = new SessionStoreConfig();
        config.setUri(redis.uri());
        config.setExpiryClaimLeaseSeconds(1);
        List<Executed> executed;
        ScriptMonitor monitor;
        try (RedisSessionStore store = new RedisSessionStore(config, "keys" + UUID.randomUUID().toString()
                .substring(0, 6), clock);
             ScriptMonitor m = ScriptMonitor.start(redis)) {
            exerciseEveryOperation(store, clock);
            executed = m.executed();
            monitor = m;
        }

        Map<String, String> names = new HashMap<>();
        for (String script : SCRIPTS) {
            names.put(new String(LuaScript.load(script).sha1(), StandardCharsets.US_ASCII), script);
        }
        List<String> violations = new ArrayList<>();
        Set<String> scripts = new HashSet<>();
        int scriptCommands = 0;
        List<String> declared = null;
        String call = null;
        for (Executed e : executed) {
            if (!e.fromScript()) {
                boolean script = e.name().equals("evalsha") || e.name().equals("eval")
                        || e.name().equals("evalsha_ro") || e.name().equals("eval_ro");
                declared = script ? e.args().subList(3, 3 + Integer.parseInt(e.args().get(2))) : null;
                String sha = !script ? null : e.name().startsWith("evalsha") ? e.args().get(1) : sha1(e.args().get(1));
                call = script ? names.getOrDefault(sha, "unknown script " + sha) : null;
                if (script) {
                    scripts.add(call);
                    Set<Integer> slots = new HashSet<>();
                    declared.forEach(k -> slots.add(JedisClusterCRC16.getSlot(k)));
                    if (slots.size() > 1) {
                        violations.add(call + " declares keys of several slots: " + declared);
                    }
                }
                continue;
            }
            scriptCommands++;
            for (String key : monitor.keysOf(e.args())) {
                if (declared == null || !declared.contains(key)) {
                    violations.add(call + " ran " + e.args().get(0) + " on undeclared key " + key
                            + " (declared: " + declared + ")");
                }
            }
        }
        assertThat(scripts).as("scripts run").containsExactlyInAnyOrderElementsOf(SCRIPTS);
        assertThat(scriptCommands).as("commands run by scripts").isPositive();
        assertThat(violations).isEmpty();
    }

    @Test
    void theTestRunsEveryScriptOfTheStore() throws IOException {
        // the sources, not target/classes: an incremental build keeps scripts that were deleted
        Path dir = Path.of("src/main/resources/io/redissessions/core/store").toAbsolutePath();
        assertThat(dir).as("run from the common module's directory").isDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".lua")))
                    .containsExactlyInAnyOrderElementsOf(SCRIPTS);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Load, create, change, exists, change id, delete, claim, take back a lapsed lease, open and finish a claim. */
    private static void exerciseEveryOperation(RedisSessionStore store, MutableClock clock) {
        String id = newId();
        SessionState created = store.newSession(id, 600);
        created.setAttribute("a", "x");
        created.save();
        SessionState opened = store.open(id);
        opened.setAttribute("b", "y");
        opened.removeAttribute("a");
        opened.save();
        store.exists(id);
        // locks: take one, find it held (marks it waited for), renew it, save and release it in one
        // script (publishing the wake-up), then take, find held and release it alone, and in a pipeline
        SessionLock lock = store.locks().newLock(id);
        store.locks().lockAndLoad(lock, 10_000);
        store.locks().lockAndLoad(store.locks().newLock(id), 10_000);
        store.locks().renew(lock, 10_000);
        SessionState locked = store.stateOf(store.load(id));
        store.lockState(locked, lock);
        locked.setAttribute("c", "z");
        locked.saveAndRelease();
        SessionLock second = store.locks().newLock(id);
        store.locks().lockAndLoad(second, 10_000);
        store.locks().lockAndLoad(store.locks().newLock(id), 10_000);
        store.locks().release(second);
        SessionLock third = store.locks().newLock(id);
        SessionLock other = store.locks().newLock(newId());
        store.locks().lockAndLoad(third, 10_000);
        store.locks().releaseAll(List.of(third, other));
        String newId = IdsInShard.generate(ScriptKeysTest::newId, SessionKeys.shardOf(id));
        store.changeId(id, newId);
        store.delete(newId);

        String expiring = newId();
        SessionState shortLived = store.newSession(expiring, 1);
        shortLived.setAttribute("a", "x");
        shortLived.save();
        List<Claim> claimed = new ArrayList<>();
        Poll.until(Duration.ofSeconds(30), "the session expires and is claimed", () -> {
            claimed.addAll(store.claimExpired(10));
            return !claimed.isEmpty();
        });
        // the lease (1 s) runs out: the next pass takes the session back
        List<Claim> again = new ArrayList<>();
        Poll.until(Duration.ofSeconds(30), "the lapsed lease is taken back", () -> {
            again.addAll(store.claimExpired(10));
            return !again.isEmpty();
        });
        store.openClaimed(again.get(0));
        store.finishClaim(again.get(0));
        assertThat(claimed).extracting(Claim::id).containsExactly(expiring);
        assertThat(again).extracting(Claim::id).containsExactly(expiring);
    }
}
