package io.redissessions.core.session;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.codec.AttributeEncodingException;
import io.redissessions.core.session.fixtures.Checked;
import io.redissessions.core.session.fixtures.Node;
import io.redissessions.core.session.fixtures.Token;
import io.redissessions.core.store.SessionState;
import io.redissessions.testing.RecordingLog;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * setAttribute proves that a value decodes again, so that a value that node A can write and no
 * node can read fails in the application's own call on A, and never on node B (where it would be
 * treated as absent: a user logged out, a form refused). Two services on one real Redis play
 * nodes A and B.
 */
class SetAttributeProvesDecodingTest {

    private static final ClassLoader LOADER = SetAttributeProvesDecodingTest.class.getClassLoader();
    private static final String FIXTURES = "io.redissessions.core.session.fixtures.*";

    private RedisServer redis;
    private final List<SessionService> services = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisServer.startStandalone();
    }

    @AfterEach
    void stop() {
        services.forEach(SessionService::close);
        redis.close();
    }

    private SessionService node(String codec) {
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        c.setCodec(codec);
        c.setAllowedClasses(FIXTURES);
        SessionService s = new SessionService(c, "proof", "context [/proof]", Clock.systemUTC(), new RecordingLog());
        services.add(s);
        return s;
    }

    /** Sets the attribute on A, saves, and reads it back on B. */
    private Object throughTwoNodes(String codec, String name, Object value) {
        SessionService a = node(codec);
        SessionService b = node(codec);
        SessionState onA = a.create("s-" + name + "-" + codec, 600);
        onA.setAttribute(name, value);
        a.save(onA);
        return b.open(onA.id()).getAttribute(name, LOADER);
    }

    @Test
    void jsonRefusesAtSetAttributeAClassWithoutAUsableConstructorAndNamesCodecJava() {
        SessionState onA = node("json").create("csrf", 600);

        AttributeEncodingException e = catchThrowableOfType(AttributeEncodingException.class,
                () -> onA.setAttribute("csrf", new Token("X-CSRF-TOKEN", "abc")));

        assertThat(e).as("setAttribute must fail on node A, not only when node B reads").isNotNull();
        assertThat(e.attributeName()).isEqualTo("csrf");
        assertThat(e.getMessage()).contains("'csrf'", Token.class.getName(), "would not decode", "codec=java",
                "allowedClasses");
        assertThat(onA.attributeNames()).doesNotContain("csrf");
    }

    @Test
    void jsonRefusesSuchAClassAlsoInsideACollection() {
        SessionState onA = node("json").create("list", 600);

        AttributeEncodingException e = catchThrowableOfType(AttributeEncodingException.class,
                () -> onA.setAttribute("tokens", new ArrayList<>(List.of(new Token("h", "t")))));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("'tokens'", "java.util.ArrayList", Token.class.getName(), "codec=java");
    }

    @Test
    void javaRefusesAtSetAttributeAGraphDeeperThanTheReaderAccepts() {
        SessionState onA = node("java").create("deep", 600);

        AttributeEncodingException e = catchThrowableOfType(AttributeEncodingException.class,
                () -> onA.setAttribute("tree", Node.chain(200)));

        assertThat(e).as("setAttribute must fail on node A, not only when node B reads").isNotNull();
        assertThat(e.getMessage()).contains("'tree'", Node.class.getName(), "would not decode", "limits");
    }

    @Test
    void javaRefusesAtSetAttributeAValueWhoseReadObjectRejectsIt() {
        SessionState onA = node("java").create("checked", 600);

        AttributeEncodingException e = catchThrowableOfType(AttributeEncodingException.class,
                () -> onA.setAttribute("code", new Checked("")));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("'code'", Checked.class.getName(), "code must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "java"})
    void whatDecodesIsAcceptedAndRoundTrips(String codec) {
        Node shallow = Node.chain(5);
        TreeMap<String, Object> map = new TreeMap<>(Map.of("a", 1L, "b", shallow));

        assertThat(throughTwoNodes(codec, "node", shallow)).isEqualTo(shallow);
        assertThat(throughTwoNodes(codec, "map", map)).isEqualTo(map);
        assertThat(throughTwoNodes(codec, "text", "plain")).isEqualTo("plain");
    }

    @Test
    void javaStoresATokenThatJsonRefuses() {
        Token token = new Token("X-CSRF-TOKEN", "abc");
        assertThat(throughTwoNodes("java", "csrf", token)).isEqualTo(token);
    }

    @Test
    void requireStorableProvesDecodingToo() {
        AttributeEncodingException e = catchThrowableOfType(AttributeEncodingException.class,
                () -> node("json").requireStorable("csrf", new Token("h", "t")));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("codec=java");
    }
}
