package io.redissessions.core.store;

import java.util.List;

/**
 * The least-privilege ACL user that docs/operations.md tells operators to create, as rules for
 * {@code ACL SETUSER}. The restricted-user tests run the whole store contract as this user, and
 * {@link OperationsDocTest} checks that the documentation shows exactly these rules.
 */
final class RestrictedAclUser {

    static final String NAME = "sessions";
    static final String PASSWORD = "s3ss!ons-only";

    /**
     * What the store sends itself: script calls (every read and write is one), health checks,
     * connection set-up, and the subscription to the lock wake-ups (lockingMode).
     */
    static final List<String> CLIENT_COMMANDS = List.of(
            "+evalsha", "+eval", "+evalsha_ro", "+eval_ro", "+ping", "+client|setname", "+select", "+subscribe", "+unsubscribe");

    /** What the Lua scripts call (a script runs with its caller's permissions). */
    static final List<String> SCRIPT_COMMANDS = List.of(
            "+time", "+hgetall", "+hmget", "+hget", "+exists", "+hset", "+hdel", "+hincrby", "+pexpireat", "+pexpire",
            "+pttl", "+persist", "+unlink", "+rename", "+zadd", "+zrem", "+zscore", "+zrangebyscore", "+publish");

    /** Only on Redis Cluster: the client reads the slot map. */
    static final List<String> CLUSTER_COMMANDS = List.of("+cluster|slots");

    /**
     * Jedis announces its name and version at connect ({@code CLIENT SETINFO}, ignoring a refusal).
     * Redis 6.2 and 7.2+ accept this rule; Redis 7.0 and 7.1 do not know the subcommand and reject
     * the rule, and need none (they answer "unknown subcommand" before any ACL check).
     */
    static final String SETINFO_RULE = "+client|setinfo";

    private RestrictedAclUser() {
    }

    /** Creates the user on one server: the rules, plus {@link #SETINFO_RULE} where the server knows it. */
    static void create(io.redissessions.testing.RedisServer server, String rules) {
        String reply = server.command(setUser(rules));
        if (!reply.startsWith("+OK")) {
            throw new IllegalStateException("ACL SETUSER " + NAME + " " + rules + ": " + reply);
        }
        server.command("ACL", "SETUSER", NAME, SETINFO_RULE); // refused by Redis 7.0/7.1: fine
    }

    /** The rules for standalone and Sentinel-managed data nodes (after "ACL SETUSER sessions"). */
    static String rules() {
        return rules(PASSWORD);
    }

    static String rules(String password) {
        return "on >" + password + " resetkeys ~rs:* resetchannels &rs:* -@all "
                + String.join(" ", CLIENT_COMMANDS) + " " + String.join(" ", SCRIPT_COMMANDS);
    }

    /** {@link #rules()} plus what a Cluster client needs. */
    static String clusterRules() {
        return clusterRules(PASSWORD);
    }

    static String clusterRules(String password) {
        return rules(password) + " " + String.join(" ", CLUSTER_COMMANDS);
    }

    static String[] setUser(String rules) {
        List<String> args = new java.util.ArrayList<>(List.of("ACL", "SETUSER", NAME));
        args.addAll(List.of(rules.split(" ")));
        return args.toArray(new String[0]);
    }
}
