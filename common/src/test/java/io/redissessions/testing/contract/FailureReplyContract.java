package io.redissessions.testing.contract;

import io.redissessions.testing.Poll;
import io.redissessions.testing.contract.RedisFault.Phase;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import io.redissessions.testing.web.WebNode;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container contract, part 5: every way a real Redis fails a request (an error reply that
 * says nothing about the data, or no answer in time), when the request loads its session and when
 * it saves it, is answered by the failure mode: with failureMode=fail a 503, never a new empty
 * session, and the stored session is never deleted. Each case brings up its own Redis
 * ({@link RedisFault}) and one node with socket and connect timeouts of 500 ms.
 */
public abstract class FailureReplyContract extends ContractSupport {

    static Stream<Arguments> faultsAndPhases() {
        return RedisFault.all().stream().flatMap(kind -> kind.phases().stream()
                .map(phase -> Arguments.of(Named.of(kind.name(), kind.factory()), phase)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("faultsAndPhases")
    void failureIsAnsweredByTheFailureModeAndTheSessionSurvives(Supplier<RedisFault> faultFactory, Phase phase)
            throws Exception {
        RedisFault fault = closeAfterTest(faultFactory.get());
        ClusterUnderTest cluster = start(spec().withRedisUri(fault.appUri()).withNodes(1).withTimeoutMillis(500));
        WebNode node = cluster.node(0);
        Browser browser = cluster.browser();
        String id = sessionWithUserAlice(browser, 0);
        String key = sessionKey(id);

        CompletableFuture<Reply> held = null;
        if (phase == Phase.SAVE) {
            // loads the session, waits, then changes it: the save at the end meets the fault
            held = browser.getAsync(0, "/s?op=hold&gate=save&name=mood&then=set&value=calm");
            Gate.awaitArrivals(node, "save", 1);
        }
        fault.apply(phase);
        if (fault.closesConnections()) {
            Browser.getWithSessionId(node, "/s?op=get&name=user", "no-such-session-" + namespace);
        }
        long errorsBefore = fault.errorReply() == null ? 0 : fault.errorRepliesSoFar();

        Reply reply;
        if (phase == Phase.LOAD) {
            reply = browser.get(0, "/s?op=get&name=user");
        } else {
            Gate.release(node, "save");
            reply = held.get(60, TimeUnit.SECONDS);
        }
        fault.lift();

        if (fault.errorReply() != null) {
            assertThat(fault.errorRepliesSoFar())
                    .as("-%s replies Redis sent: the fault must be in place when the request comes (it got %s)",
                            fault.errorReply(), reply)
                    .isGreaterThan(errorsBefore);
        }
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(reply.status()).as("the answer to %s while Redis answers %s", reply, fault).isEqualTo(503);
        soft.assertThat(reply.handsOutAnotherSessionThan(id)).as("%s hands out a new session", reply).isFalse();
        soft.assertThat(exists(fault.server(), key)).as("the stored session after %s on %s", fault, phase).isTrue();
        if (exists(fault.server(), key)) {
            Poll.until(Duration.ofSeconds(10), "the node reads sessions again",
                    () -> browser.get(0, "/s?op=get&name=user").status() == 200);
            soft.assertThat(browser.body(0, "/s?op=get&name=user")).as("the session after the fault").isEqualTo("alice");
            soft.assertThat(browser.clusterId()).as("the browser's session").isEqualTo(Browser.clusterId(id));
            if (phase == Phase.SAVE && fault.errorReply() != null) {
                // (a save that timed out may still run in Redis later: no such promise without a reply)
                soft.assertThat(browser.body(0, "/s?op=get&name=mood")).as("the change of the request answered 503")
                        .isEqualTo("null");
            }
        }
        soft.assertAll();
    }

    /**
     * A new session whose first save is refused (the save script is refused by an ACL change) is
     * answered by the failure mode: 503, and no cookie for a session that Redis does not hold.
     */
    @Test
    void newSessionWhoseFirstSaveFailsIsAnsweredByTheFailureModeWithoutASessionCookie() {
        RedisFault fault = closeAfterTest(AclFault.noperm());
        ClusterUnderTest cluster = start(spec().withRedisUri(fault.appUri()).withNodes(1).withTimeoutMillis(500));
        Browser browser = cluster.browser();
        browser.body("/s?op=set&name=user&value=alice"); // the scripts are loaded in Redis
        browser.forgetCookies();
        fault.apply(Phase.SAVE);
        long errorsBefore = fault.errorRepliesSoFar();

        Reply reply = browser.get("/s?op=set&name=user&value=bob");

        assertThat(fault.errorRepliesSoFar()).as("-NOPERM replies: the save met the fault").isGreaterThan(errorsBefore);
        assertFailureAnswer(reply, null, "Redis refuses the save script");
        assertThat(reply.sessionCookie()).as("the session cookie of %s", reply).isEmpty();
        fault.lift();
        assertThat(browser.body("/s?op=get&name=user")).as("after the fault").isEqualTo("no-session");
    }
}
