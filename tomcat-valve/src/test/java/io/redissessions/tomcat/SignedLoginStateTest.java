package io.redissessions.tomcat;

import io.redissessions.testing.RawHttp;
import io.redissessions.testing.RedisServer;
import org.apache.catalina.Context;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a signingKey, Tomcat's login state in Redis (auth type, principal, FORM notes) is signed
 * like attribute values and bound to its session (#10 item 1): whoever can write to Redis cannot
 * log a session in, plant a saved request, or move a login from one session to another. Each
 * forgery is made with plain Redis commands, as with redis-cli.
 */
class SignedLoginStateTest {

    private static final String SIGNING_KEY = "a-signing-key-for-the-login-state-tests";
    private static final String SAVED_REQUEST_NOTE = "#x:note:org.apache.catalina.authenticator.REQUEST";
    private static RedisServer redis;
    private SecureTomcat tomcat;
    private RedisSessionManager manager;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startStandalone();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void stopTomcat() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    private void start(SecureTomcat.Login login) {
        tomcat = new SecureTomcat("login-" + login.name().toLowerCase());
        String namespace = "t" + UUID.randomUUID().toString().substring(0, 8);
        Context ctx = tomcat.context(tomcat.defaultHost(), "/app", redis.uri(), login, m -> {
            m.setNamespace(namespace);
            m.setSigningKey(SIGNING_KEY);
        });
        manager = (RedisSessionManager) ctx.getManager();
        tomcat.start();
    }

    private String key(String sessionId) {
        return manager.store().keys().sessionKey(sessionId);
    }

    private String anonymousSession() {
        RawHttp.Response r = tomcat.get("localhost", "/app/s?op=set&name=theme&value=dark", null);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void forgedPrincipalDoesNotLogAnAnonymousSessionIn() {
        start(SecureTomcat.Login.BASIC);
        String id = anonymousSession();
        assertThat(tomcat.get("localhost", "/app/admin/page", id).status()).isEqualTo(401);
        long failures = manager.getStoreMetrics().getDecodeFailures();

        redis.command("HSET", key(id), "#x:authType", "BASIC", "#x:principal", "{\"name\":\"root\",\"roles\":[\"admin\"]}");

        RawHttp.Response page = tomcat.get("localhost", "/app/admin/page", id);
        assertThat(page.status()).isEqualTo(401);
        assertThat(page.body()).doesNotContain("user=root");
        assertThat(tomcat.get("localhost", "/app/s?op=get&name=theme", id).body()).isEqualTo("dark");
        assertThat(manager.getStoreMetrics().getDecodeFailures()).isGreaterThan(failures);
    }

    @Test
    void forgedPrincipalDoesNotLogASessionInWithFormLoginEither() {
        start(SecureTomcat.Login.FORM);
        String id = anonymousSession();
        redis.command("HSET", key(id), "#x:authType", "FORM", "#x:principal", "{\"name\":\"root\",\"roles\":[\"user\"]}");

        RawHttp.Response page = tomcat.get("localhost", "/app/protected/page", id);
        assertThat(page.body()).isEqualTo("LOGIN-PAGE");
    }

    @Test
    void principalCopiedFromAnotherSessionIsRefused() {
        start(SecureTomcat.Login.FORM);
        // alice logs in with FORM
        RawHttp.Response loginPage = tomcat.get("localhost", "/app/protected/page", null);
        assertThat(loginPage.body()).isEqualTo("LOGIN-PAGE");
        String before = loginPage.setCookie("JSESSIONID").orElseThrow();
        RawHttp.Response login = tomcat.post("localhost", "/app/j_security_check", before,
                "j_username=alice&j_password=secret");
        assertThat(login.status()).isEqualTo(303);
        String alice = login.setCookie("JSESSIONID").orElse(before);
        assertThat(tomcat.get("localhost", "/app/protected/page", alice).body()).contains("user=alice");

        // the attacker's own session gets alice's stored login state, bytes as they are
        String attacker = anonymousSession();
        for (String field : new String[] {"#x:authType", "#x:principal"}) {
            redis.command("EVAL", "return redis.call('HSET', KEYS[2], ARGV[1], redis.call('HGET', KEYS[1], ARGV[1]))",
                    "2", key(alice), key(attacker), field);
        }

        RawHttp.Response page = tomcat.get("localhost", "/app/protected/page", attacker);
        assertThat(page.body()).isEqualTo("LOGIN-PAGE");
        assertThat(tomcat.get("localhost", "/app/protected/page", alice).body()).contains("user=alice");
    }

    @Test
    void forgedSavedRequestIsNotReplayedAfterFormLogin() {
        start(SecureTomcat.Login.FORM);
        RawHttp.Response loginPage = tomcat.get("localhost", "/app/protected/page?item=42", null);
        assertThat(loginPage.body()).isEqualTo("LOGIN-PAGE");
        String id = loginPage.setCookie("JSESSIONID").orElseThrow();

        redis.command("HSET", key(id), SAVED_REQUEST_NOTE, "{\"t\":\"request\",\"method\":\"POST\","
                + "\"requestURI\":\"/app/protected/transfer\",\"decodedRequestURI\":\"/app/protected/transfer\","
                + "\"queryString\":\"to=mallory\",\"contentType\":null,\"headers\":{},\"locales\":[],\"cookies\":[]}");

        RawHttp.Response login = tomcat.post("localhost", "/app/j_security_check", id, "j_username=alice&j_password=secret");
        assertThat(login.header("Location").orElse("")).doesNotContain("transfer").doesNotContain("mallory");
        String after = login.setCookie("JSESSIONID").orElse(id);
        RawHttp.Response next = tomcat.get("localhost", "/app/protected/transfer", after);
        assertThat(next.body()).doesNotContain("method=POST").doesNotContain("mallory");
    }

    @Test
    void loginStateIsStoredSignedAndStillWorksAcrossRequests() {
        start(SecureTomcat.Login.BASIC);
        String anonymous = anonymousSession(); // BASIC uses a session only if there is one
        RawHttp.Response first = RawHttp.get(tomcat.port(), "localhost", "/app/protected/page",
                Map.of("Authorization", basic("alice", "secret"), "Cookie", "JSESSIONID=" + anonymous));
        assertThat(first.body()).contains("user=alice");
        String id = first.setCookie("JSESSIONID").orElse(anonymous);

        // no credentials: the principal cached in the session (signed) is what logs the request in
        assertThat(tomcat.get("localhost", "/app/protected/page", id).body()).contains("user=alice");
        assertThat(redis.command("HGET", key(id), "#x:principal")).doesNotStartWith("{");
    }
}
