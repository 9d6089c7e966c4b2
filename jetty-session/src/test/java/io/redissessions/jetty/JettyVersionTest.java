package io.redissessions.jetty;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The module runs on Jetty 12.0.x and 12.1.x and refuses any other version, naming it. */
class JettyVersionTest {

    @Test
    void everyJetty12Dot0And12Dot1ReleaseIsAccepted() {
        for (String v : List.of("12.0.0", "12.0.31", "12.1.0", "12.1.4", "12.1.12", "12.1.13-SNAPSHOT", "12.0.0.beta3")) {
            assertThatCode(() -> JettyVersion.requireSupported(v, true)).as(v).doesNotThrowAnyException();
        }
    }

    @Test
    void otherVersionsAreRefusedWithAMessageNamingThem() {
        for (String v : List.of("11.0.24", "12.2.0", "13.0.1", "10.0.20")) {
            assertThatThrownBy(() -> JettyVersion.requireSupported(v, true)).as(v)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("this server runs Jetty " + v)
                    .hasMessageContaining("Jetty 12.0.x and 12.1.x");
        }
    }

    @Test
    void jettyWithoutTheCoreSessionClassesOfJetty12IsRefusedWhateverItSays() {
        assertThatThrownBy(() -> JettyVersion.requireSupported("11.0.24", false))
                .hasMessageContaining("this server runs Jetty 11.0.24");
        assertThatThrownBy(() -> JettyVersion.requireSupported(null, false))
                .hasMessageContaining("of an unknown version");
    }

    @Test
    void jetty12BuildThatDoesNotSayItsVersionRuns() {
        assertThatCode(() -> JettyVersion.requireSupported("10.0.z-SNAPSHOT", true)).doesNotThrowAnyException();
        assertThatCode(() -> JettyVersion.requireSupported(null, true)).doesNotThrowAnyException();
    }

    @Test
    void thisBuildsJettyIsAccepted() {
        assertThatCode(JettyVersion::requireSupported).doesNotThrowAnyException();
    }
}
