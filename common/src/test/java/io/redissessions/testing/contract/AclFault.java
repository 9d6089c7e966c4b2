package io.redissessions.testing.contract;

import io.redissessions.testing.RedisServer;

/**
 * Failures of authentication and authorization, made with ACL changes while the nodes run: the
 * fixture itself authenticates as an admin user, the nodes as user {@code app} (or, for NOAUTH,
 * as the default user without a password).
 * <ul>
 *   <li>NOPERM: {@code ACL SETUSER app -hgetall} (load) or {@code -evalsha -eval} (save): the
 *       user's rights change under its open connections.</li>
 *   <li>WRONGPASS: the app user's password changes and its connections are killed
 *       ({@code CLIENT KILL USER app}); new connections fail to authenticate.</li>
 *   <li>NOAUTH: the default user gets a password and its connections are killed; new
 *       connections, which send no AUTH, are answered {@code -NOAUTH}.</li>
 * </ul>
 */
final class AclFault extends RedisFault {

    private static final String APP_PASSWORD = "app-pw";

    private enum Kind { NOPERM, WRONGPASS, NOAUTH }

    private final Kind kind;
    private final RedisServer server;

    private AclFault(Kind kind) {
        super(kind.name(), kind.name(), RedisServer.builder()
                .aclUser("admin", "admin-pw")
                .fixtureCredentials("admin", "admin-pw")
                .aclUser("app", APP_PASSWORD)
                .start());
        this.kind = kind;
        this.server = server();
    }

    static AclFault noperm() {
        return new AclFault(Kind.NOPERM);
    }

    static AclFault wrongpass() {
        return new AclFault(Kind.WRONGPASS);
    }

    static AclFault noauth() {
        return new AclFault(Kind.NOAUTH);
    }

    @Override
    public String appUri() {
        return kind == Kind.NOAUTH ? server.uri() : server.uri("app", APP_PASSWORD);
    }

    @Override
    public boolean closesConnections() {
        return kind != Kind.NOPERM;
    }

    @Override
    public void apply(Phase phase) {
        switch (kind) {
            case NOPERM -> {
                if (phase == Phase.LOAD) {
                    ok(server.command("ACL", "SETUSER", "app", "-hgetall"));
                } else {
                    ok(server.command("ACL", "SETUSER", "app", "-evalsha", "-eval"));
                }
            }
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
            case NOPERM -> ok(server.command("ACL", "SETUSER", "app", "+hgetall", "+evalsha", "+eval"));
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
