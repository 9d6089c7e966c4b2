package io.redissessions.testing.contract;

import io.redissessions.testing.RedisServer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failures of authentication and authorization, made with ACL changes while the nodes run: the
 * fixture itself authenticates as an admin user, the nodes as user {@code app} (or, for NOAUTH,
 * as the default user without a password).
 * <ul>
 *   <li>NOPERM: {@code ACL SETUSER app -evalsha -eval -evalsha_ro -eval_ro}: the user may no
 *       longer run the store's scripts (a load is the load script, run read-only or not, a save
 *       the save script); its rights change under its open connections.</li>
 *   <li>NOPERM inside a script: {@code -hgetall} (load) or {@code -hset} (save): the scripts run,
 *       but a command they call is refused, which Redis answers {@code -ERR The user executing the
 *       script can't run this command}. The proof that a request met it is Redis's own count of
 *       the command's {@code rejected_calls}.</li>
 *   <li>WRONGPASS: the app user's password changes and its connections are killed
 *       ({@code CLIENT KILL USER app}); new connections fail to authenticate.</li>
 *   <li>NOAUTH: the default user gets a password and its connections are killed; new
 *       connections, which send no AUTH, are answered {@code -NOAUTH}.</li>
 * </ul>
 */
final class AclFault extends RedisFault {

    private static final String APP_PASSWORD = "app-pw";

    private enum Kind { NOPERM, NOPERM_IN_SCRIPT, WRONGPASS, NOAUTH }

    private final Kind kind;
    private final RedisServer server;
    private Phase phase;

    private AclFault(String name, Kind kind, String errorReply) {
        super(name, errorReply, RedisServer.builder()
                .aclUser("admin", "admin-pw")
                .fixtureCredentials("admin", "admin-pw")
                .aclUser("app", APP_PASSWORD)
                .start());
        this.kind = kind;
        this.server = server();
    }

    static AclFault noperm() {
        return new AclFault("NOPERM", Kind.NOPERM, "NOPERM");
    }

    static AclFault nopermInScript() {
        return new AclFault("NOPERM inside a script", Kind.NOPERM_IN_SCRIPT, "ERR");
    }

    static AclFault wrongpass() {
        return new AclFault("WRONGPASS", Kind.WRONGPASS, "WRONGPASS");
    }

    static AclFault noauth() {
        return new AclFault("NOAUTH", Kind.NOAUTH, "NOAUTH");
    }

    @Override
    public String appUri() {
        return kind == Kind.NOAUTH ? server.uri() : server.uri("app", APP_PASSWORD);
    }

    @Override
    public boolean closesConnections() {
        return kind == Kind.WRONGPASS || kind == Kind.NOAUTH;
    }

    /** For a command refused inside a script: how often Redis refused it ({@code rejected_calls}). */
    @Override
    public long errorRepliesSoFar() {
        if (kind != Kind.NOPERM_IN_SCRIPT) {
            return super.errorRepliesSoFar();
        }
        Matcher m = Pattern.compile("cmdstat_" + refusedInScript() + ":[^\\r\\n]*rejected_calls=(\\d+)")
                .matcher(server.command("INFO", "commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private String refusedInScript() {
        return phase == Phase.SAVE ? "hset" : "hgetall";
    }

    @Override
    public void apply(Phase phase) {
        this.phase = phase;
        switch (kind) {
            case NOPERM -> ok(server.command("ACL", "SETUSER", "app", "-evalsha", "-eval", "-evalsha_ro", "-eval_ro"));
            case NOPERM_IN_SCRIPT -> ok(server.command("ACL", "SETUSER", "app", "-" + refusedInScript()));
            case WRONGPASS -> {
                ok(server.command("ACL", "SETUSER", "app", "resetpass", ">changed-pw"));
                server.command("CLIENT", "KILL", "USER", "app");
            }
            case NOAUTH -> {
                ok(server.command("ACL", "SETUSER", "default", "resetpass", ">default-pw"));
                server.command("CLIENT", "KILL", "USER", "default");
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    @Override
    public void lift() {
        switch (kind) {
            case NOPERM, NOPERM_IN_SCRIPT -> ok(server.command("ACL", "SETUSER", "app", "+hgetall", "+hset", "+evalsha",
                    "+eval", "+evalsha_ro", "+eval_ro"));
            case WRONGPASS -> ok(server.command("ACL", "SETUSER", "app", "resetpass", ">" + APP_PASSWORD));
            case NOAUTH -> ok(server.command("ACL", "SETUSER", "default", "nopass"));
            default -> throw new IllegalStateException(kind.name());
        }
    }

    static void ok(String reply) {
        if (reply == null || !reply.startsWith("+OK")) {
            throw new IllegalStateException("fixture command failed: " + reply);
        }
    }
}
