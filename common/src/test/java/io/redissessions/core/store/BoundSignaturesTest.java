package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a signing key, a value or container extra verifies only where it was written: its field,
 * its session and its namespace (#10 item 2). Whoever can write to Redis can copy signed bytes
 * around; none of these copies may verify. On a real Redis; the copies are made inside Redis, as
 * an attacker with redis-cli would.
 */
class BoundSignaturesTest {

    static final String KEY = "a-signing-key-for-the-bound-signature-tests";
    private static RedisServer redis;
    private final List<RedisSessionStore> stores = new ArrayList<>();
    private String namespace;
    private RedisSessionStore store;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void createStore() {
        namespace = "t" + UUID.randomUUID().toString().substring(0, 8);
        store = store(namespace, c -> { });
    }

    @AfterEach
    void closeStores() {
        stores.forEach(RedisSessionStore::close);
    }

    private RedisSessionStore store(String ns, Consumer<SessionStoreConfig> settings) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        c.setSigningKey(KEY);
        settings.accept(c);
        RedisSessionStore s = new RedisSessionStore(c, ns, Clock.systemUTC());
        stores.add(s);
        return s;
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "").toUpperCase();
    }

    private String saved(RedisSessionStore on, String user, List<String> roles) {
        String id = newId();
        SessionState s = on.newSession(id, 600);
        s.setAttribute("user", user);
        s.setAttribute("theme", "dark");
        s.setAttribute("roles", new ArrayList<>(roles));
        s.setExtra("principal", "{\"name\":\"" + user + "\",\"roles\":" + rolesJson(roles) + "}");
        assertThat(s.save()).isEqualTo(RedisSessionStore.SaveResult.SAVED);
        return id;
    }

    private static String rolesJson(List<String> roles) {
        return roles.stream().map(r -> "\"" + r + "\"").toList().toString().replace(" ", "");
    }

    private String key(RedisSessionStore on, String id) {
        return on.keys().sessionKey(id);
    }

    /** Copies one field's bytes inside Redis, as redis-cli with EVAL would. */
    private static void copyField(String fromKey, String fromField, String toKey, String toField) {
        redis.command("EVAL", "return redis.call('HSET', KEYS[2], ARGV[2], redis.call('HGET', KEYS[1], ARGV[1]))",
                "2", fromKey, toKey, fromField, toField);
    }

    private Object attribute(RedisSessionStore on, String id, String name) {
        SessionState s = on.open(id);
        assertThat(s).as("session %s", id).isNotNull();
        return s.getAttribute(name, getClass().getClassLoader());
    }

    @Test
    void valueCopiedFromAnotherSessionDoesNotVerify() {
        String admin = saved(store, "root", List.of("admin"));
        String user = saved(store, "bob", List.of("user"));
        copyField(key(store, admin), "a:roles", key(store, user), "a:roles");
        long failures = store.metrics().getDecodeFailures();

        assertThat(attribute(store, user, "roles")).isNull();
        assertThat(attribute(store, user, "user")).isEqualTo("bob");
        assertThat(store.metrics().getDecodeFailures()).isEqualTo(failures + 1);
    }

    @Test
    void valueCopiedToAnotherFieldOfTheSameSessionDoesNotVerify() {
        String id = saved(store, "alice", List.of("user"));
        copyField(key(store, id), "a:user", key(store, id), "a:theme");

        assertThat(attribute(store, id, "theme")).isNull();
        assertThat(attribute(store, id, "user")).isEqualTo("alice");
    }

    @Test
    void wholeSessionCopiedToAnotherIdDoesNotVerify() {
        String admin = saved(store, "root", List.of("admin"));
        String copy = newId();
        assertThat(redis.command("COPY", key(store, admin), key(store, copy))).isEqualTo(":1");

        SessionState s = store.open(copy);
        assertThat(s.getAttribute("roles", null)).isNull();
        assertThat(s.getAttribute("user", null)).isNull();
        assertThat(s.extra("principal")).isNull();
        assertThat(attribute(store, admin, "roles")).isEqualTo(List.of("admin"));
    }

    @Test
    void valueCopiedFromAnotherNamespaceDoesNotVerify() {
        RedisSessionStore other = store("o" + namespace, c -> { });
        String id = saved(store, "bob", List.of("user"));
        String admin = saved(other, "root", List.of("admin"));
        copyField(key(other, admin), "a:roles", key(store, id), "a:roles");
        // the same id in the other namespace, with the admin's signed values
        redis.command("COPY", key(other, admin), key(other, id));
        copyField(key(other, id), "a:roles", key(store, id), "a:user");

        assertThat(attribute(store, id, "roles")).isNull();
        assertThat(attribute(store, id, "user")).isNull();
    }

    @Test
    void extraForgedOrCopiedFromAnotherSessionOrFieldDoesNotVerify() {
        String admin = saved(store, "root", List.of("admin"));
        String user = saved(store, "bob", List.of("user"));
        assertThat(store.open(user).extra("principal")).isEqualTo("{\"name\":\"bob\",\"roles\":[\"user\"]}");

        redis.command("HSET", key(store, user), "#x:principal", "{\"name\":\"root\",\"roles\":[\"admin\"]}");
        assertThat(store.open(user).extra("principal")).isNull();

        copyField(key(store, admin), "#x:principal", key(store, user), "#x:principal");
        assertThat(store.open(user).extra("principal")).isNull();

        copyField(key(store, user), "a:user", key(store, user), "#x:principal");
        copyField(key(store, admin), "#x:principal", key(store, user), "#x:authType");
        SessionState s = store.open(user);
        assertThat(s.extra("principal")).isNull();
        assertThat(s.extra("authType")).isNull();
    }

    @Test
    void idChangeKeepsEverythingReadableInOneRoundTripAndTheRenamedSessionCannotBeCopied() {
        String first = saved(store, "alice", List.of("user"));
        SessionState loaded = store.open(first);
        String second = IdsInShard.generate(BoundSignaturesTest::newId, SessionKeys.shardOf(first));
        long roundTrips = store.metrics().getRoundTrips();

        assertThat(store.changeId(loaded, second)).isTrue();

        assertThat(store.metrics().getRoundTrips()).isEqualTo(roundTrips + 1);
        SessionState moved = store.open(second);
        assertThat(moved.getAttribute("roles", null)).isEqualTo(List.of("user"));
        assertThat(moved.extra("principal")).contains("alice");
        // changed again, by id alone, and written to after each change
        moved.setAttribute("cart", "apple");
        moved.save();
        String third = IdsInShard.generate(BoundSignaturesTest::newId, SessionKeys.shardOf(first));
        assertThat(store.changeId(second, third)).isTrue();
        SessionState again = store.open(third);
        assertThat(again.getAttribute("user", null)).isEqualTo("alice");
        assertThat(again.getAttribute("cart", null)).isEqualTo("apple");
        assertThat(again.extra("principal")).contains("alice");
        assertThat(redis.command("HGET", key(store, third), "#bid")).contains(first);

        String copy = newId();
        redis.command("COPY", key(store, third), key(store, copy));
        SessionState copied = store.open(copy);
        assertThat(copied.getAttribute("user", null)).isNull();
        assertThat(copied.getAttribute("cart", null)).isNull();
        assertThat(copied.extra("principal")).isNull();
    }

    @Test
    void bindingCopiedFromARenamedSessionDoesNotMakeCopiedValuesVerify() {
        String admin = saved(store, "root", List.of("admin"));
        String renamed = IdsInShard.generate(BoundSignaturesTest::newId, SessionKeys.shardOf(admin));
        assertThat(store.changeId(store.open(admin), renamed)).isTrue();
        String user = saved(store, "bob", List.of("user"));
        copyField(key(store, renamed), "#bid", key(store, user), "#bid");
        copyField(key(store, renamed), "#bmac", key(store, user), "#bmac");
        copyField(key(store, renamed), "a:roles", key(store, user), "a:roles");

        SessionState s = store.open(user);
        assertThat(s.getAttribute("roles", null)).isNull();
        assertThat(s.getAttribute("user", null)).as("signed for its own id, which the forged binding replaced")
                .isEqualTo("bob");
    }

    /**
     * Not detected, and documented so (docs/operations.md, "Security model"): an older value of
     * the same field of the same session, put back by someone who can write to Redis, verifies.
     */
    @Test
    void replayOfAnOlderValueOfTheSameFieldOfTheSameSessionIsNotDetected() {
        String id = saved(store, "alice", List.of("admin"));
        byte[] older = raw().hget(key(store, id).getBytes(StandardCharsets.UTF_8), "a:roles".getBytes(StandardCharsets.UTF_8));
        SessionState s = store.open(id);
        s.setAttribute("roles", new ArrayList<>(List.of("user")));
        s.save();
        raw().hset(key(store, id).getBytes(StandardCharsets.UTF_8), "a:roles".getBytes(StandardCharsets.UTF_8), older);

        assertThat(attribute(store, id, "roles")).isEqualTo(List.of("admin"));
    }

    // ------------------------------------------------------------------ earlier releases' forms

    private UnifiedJedis raw() {
        return store.connector().client();
    }

    /** A value as earlier releases signed it: HMAC over the bytes alone. */
    private static byte[] signedTheEarlierWay(byte[] unsignedEnvelope) throws Exception {
        byte[] stored = Arrays.copyOf(unsignedEnvelope, unsignedEnvelope.length + 32);
        stored[2] |= 2;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(stored, 0, unsignedEnvelope.length);
        System.arraycopy(mac.doFinal(), 0, stored, unsignedEnvelope.length, 32);
        return stored;
    }

    /** A session as an earlier release with this key wrote it: unbound signatures, plain extras. */
    private String writtenByAnEarlierRelease() throws Exception {
        String id = newId();
        SessionState s = store.newSession(id, 600);
        s.setAttribute("user", "alice");
        s.save();
        byte[] k = key(store, id).getBytes(StandardCharsets.UTF_8);
        raw().hset(k, "a:user".getBytes(StandardCharsets.UTF_8),
                signedTheEarlierWay(store.codec().encode("user", "alice")));
        raw().hset(k, "#x:principal".getBytes(StandardCharsets.UTF_8),
                "{\"name\":\"alice\",\"roles\":[\"user\"]}".getBytes(StandardCharsets.UTF_8));
        return id;
    }

    @Test
    void valuesAndExtrasOfEarlierReleasesAreRejectedByDefault() throws Exception {
        String id = writtenByAnEarlierRelease();

        SessionState s = store.open(id);
        assertThat(s.getAttribute("user", null)).isNull();
        assertThat(s.extra("principal")).isNull();
    }

    @Test
    void withLegacySignaturesAcceptValuesAndExtrasOfEarlierReleasesAreReadAndSignedAnewAtTheNextSave() throws Exception {
        String id = writtenByAnEarlierRelease();
        RedisSessionStore upgrading = store(namespace, c -> c.set("legacySignatures", "accept"));

        SessionState s = upgrading.open(id);
        assertThat(s.extra("principal")).contains("alice");
        assertThat(s.needsSave()).as("a save that signs them anew").isTrue();
        assertThat(s.save()).isEqualTo(RedisSessionStore.SaveResult.SAVED);

        SessionState after = store.open(id); // legacySignatures=reject
        assertThat(after.getAttribute("user", null)).isEqualTo("alice");
        assertThat(after.extra("principal")).contains("alice");
        assertThat(upgrading.open(id).needsSave()).isFalse();
    }

    @Test
    void aForgedValueOrExtraIsStillRejectedWhileLegacySignaturesAreAccepted() {
        String id = saved(store, "bob", List.of("user"));
        String admin = saved(store, "root", List.of("admin"));
        RedisSessionStore upgrading = store(namespace, c -> c.set("legacySignatures", "accept"));
        copyField(key(store, admin), "a:roles", key(store, id), "a:roles");
        raw().hset(key(store, id).getBytes(StandardCharsets.UTF_8), "a:theme".getBytes(StandardCharsets.UTF_8),
                store.codec().encode("theme", "light")); // unsigned

        SessionState s = upgrading.open(id);
        assertThat(s.getAttribute("roles", null)).isNull();
        assertThat(s.getAttribute("theme", null)).isNull();
    }
}
