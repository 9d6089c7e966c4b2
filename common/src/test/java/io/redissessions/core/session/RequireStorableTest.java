package io.redissessions.core.session;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.codec.AttributeEncodingException;
import io.redissessions.testing.RecordingLog;
import io.redissessions.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link SessionService#requireStorable}: what a container asks before it binds a value. */
class RequireStorableTest {

    private RedisServer redis;
    private SessionService service;

    @BeforeEach
    void start() {
        redis = RedisServer.startStandalone();
        SessionStoreConfig c = new SessionStoreConfig();
        c.setUri(redis.uri());
        service = new SessionService(c, "storable", "context [/storable]", Clock.systemUTC(), new RecordingLog());
    }

    @AfterEach
    void stop() {
        service.close();
        redis.close();
    }

    /** Not on the allow-list. */
    static final class NotAllowed {
        public String name = "x";
    }

    @Test
    void aValueTheCodecCannotStoreIsRefusedNamingTheAttributeAndNothingIsWritten() {
        AttributeEncodingException e = catchThrowableOfType(AttributeEncodingException.class,
                () -> service.requireStorable("cart", new NotAllowed()));

        assertThat(e.attributeName()).isEqualTo("cart");
        assertThat(e.getMessage()).contains("cart", NotAllowed.class.getName(), "allowedClasses");
        assertThat(service.metrics().getRoundTrips()).isZero();
    }

    @Test
    void aStorableValuePasses() {
        assertThatCode(() -> service.requireStorable("items", List.of("a", "b"))).doesNotThrowAnyException();
        assertThat(service.metrics().getRoundTrips()).isZero();
    }
}
