package io.redissessions.jetty;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.security.RolePrincipal;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.security.UserPrincipal;
import org.eclipse.jetty.security.authentication.SessionAuthentication;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.MultiMap;
import org.eclipse.jetty.util.security.Credential;
import org.junit.jupiter.api.Test;

import javax.security.auth.Subject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Jetty's login state to extras and back, for the core authenticators (ee10, ee11), outside a
 * request (no security handler in scope: Jetty's default identity service makes the identity).
 */
class LoginExtrasTest {

    private final LoginExtras extras = LoginExtras.forManager((SessionManager) null);

    private static SessionAuthentication loginOf(String user, String password, String... roles) {
        Subject subject = new Subject();
        UserPrincipal principal = new UserPrincipal(user, Credential.getCredential(password));
        principal.configureSubject(subject);
        for (String role : roles) {
            new RolePrincipal(role).configureForSubject(subject);
        }
        return new SessionAuthentication("FORM", UserIdentity.from(subject, principal, roles), password);
    }

    private Object roundTrip(String name, Object value) {
        Map<String, String> stored = extras.encode(name, value);
        assertThat(stored).as("extras of " + name).isNotNull();
        return extras.decode(name, stored::get);
    }

    @Test
    void loginIsStoredAsMethodUserAndRolesInTomcatsFormatAndNeverTheCredentials() {
        Map<String, String> stored = extras.encode(LoginExtras.AUTHENTICATED, loginOf("bob", "s3cret-pw", "user", "admin"));

        assertThat(stored).containsExactly(Map.entry("authType", "FORM"),
                Map.entry("principal", "{\"name\":\"bob\",\"roles\":[\"admin\",\"user\"]}"));
        assertThat(stored.toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void loginStoredByTomcatIsALoginOnJetty() {
        Map<String, String> tomcat = Map.of("authType", "BASIC", "principal", "{\"name\":\"carol\",\"roles\":[\"user\"]}");

        Object value = extras.decode(LoginExtras.AUTHENTICATED, tomcat::get);

        assertThat(value).isInstanceOf(SessionAuthentication.class);
        SessionAuthentication auth = (SessionAuthentication) value;
        assertThat(auth.getAuthenticationType()).isEqualTo("BASIC");
        assertThat(auth.getUserIdentity().getUserPrincipal().getName()).isEqualTo("carol");
        assertThat(auth.isUserInRole("user")).isTrue();
        assertThat(auth.isUserInRole("admin")).isFalse();
    }

    @Test
    void savedRequestUriMethodAndFormFieldsComeBackEqual() {
        HttpURI uri = HttpURI.from("http://shop.example:8080/app/secure/echo?x=1&y=%20z");
        assertThat(roundTrip(LoginExtras.FORM_URI, uri.asImmutable())).isEqualTo(uri);
        assertThat(roundTrip(LoginExtras.FORM_METHOD, "POST")).isEqualTo("POST");

        Fields fields = new Fields(true);
        fields.add("msg", "hello");
        fields.add("msg", "again");
        fields.add("Msg", "case matters");
        Object back = roundTrip(LoginExtras.FORM_POST, fields);
        assertThat(back).isInstanceOf(Fields.class);
        assertThat(((Fields) back).getValues("msg")).containsExactly("hello", "again");
        assertThat(((Fields) back).getValues("Msg")).containsExactly("case matters");
    }

    @Test
    void formFieldsInTheFormsOfEarlierJettyVersionsComeBackInTheirForm() throws Exception {
        Fields fields = new Fields(true);
        fields.add("msg", "hello");
        Object future = roundTrip(LoginExtras.FORM_POST, CompletableFuture.completedFuture(fields));
        // Jetty 12.0.0 to 12.0.14 hand saved fields back only from a FormFields, their own future
        assertThat(future).isInstanceOf(org.eclipse.jetty.server.FormFields.class);
        assertThat(((Fields) ((CompletableFuture<?>) future).get()).getValue("msg")).isEqualTo("hello");

        MultiMap<String> map = new MultiMap<>();
        map.add("msg", "hello");
        map.add("msg", "twice");
        Object multi = roundTrip(LoginExtras.FORM_POST, map);
        assertThat(multi).isInstanceOf(MultiMap.class);
        @SuppressWarnings("unchecked")
        MultiMap<String> back = (MultiMap<String>) multi;
        assertThat(back.getValues("msg")).containsExactly("hello", "twice");
    }

    @Test
    void valuesOfOtherKindsUnderTheseNamesAreLeftToTheCodec() {
        assertThat(extras.encode(LoginExtras.AUTHENTICATED, "not a login")).isNull();
        assertThat(extras.encode(LoginExtras.FORM_URI, 42)).isNull();
        assertThat(extras.encode(LoginExtras.FORM_POST, new HashMap<>())).isNull();
        assertThat(extras.handles("user")).isFalse();
    }

    @Test
    void forgedExtrasAreRefusedWithoutLoadingAnything() {
        assertThatThrownBy(() -> extras.decode(LoginExtras.AUTHENTICATED,
                Map.of("authType", "FORM", "principal", "{\"@class\":\"java.lang.Runtime\"}")::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no name");
        assertThatThrownBy(() -> extras.decode(LoginExtras.AUTHENTICATED, Map.of("principal", "[1,2")::get))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> extras.decode(LoginExtras.FORM_POST,
                Map.of("jetty.formPost", "{\"kind\":\"java.util.HashMap\",\"fields\":[]}")::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown kind");
    }

    @Test
    void spnegoIdentityHoldersOfEveryEnvironmentStayOnTheNode() {
        for (String name : List.of("org.eclipse.jetty.security.authentication.SPNEGOAuthenticator$UserIdentityHolder",
                "org.eclipse.jetty.ee9.security.authentication.ConfigurableSpnegoAuthenticator$UserIdentityHolder",
                "org.eclipse.jetty.ee8.security.authentication.ConfigurableSpnegoAuthenticator$UserIdentityHolder")) {
            assertThat(LoginExtras.isNodeLocal(name)).as(name).isTrue();
        }
        assertThat(LoginExtras.isNodeLocal("com.acme.SPNEGOAuthenticator$UserIdentityHolder")).isFalse();
    }
}
