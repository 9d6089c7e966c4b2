package io.redissessions.core.connection;

import io.redissessions.core.ConfigurationException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one {@code uri} setting that selects a deployment:
 *
 * <pre>
 * redis://[user:password@]host:port[/db]
 * rediss://[user:password@]host:port[/db]                      TLS, host name verified
 * unix:///path/to/redis.sock[?db=N&amp;user=U&amp;password=P]
 * redis-sentinel://[user:password@]host1:port1,host2:port2/masterName[/db]
 * rediss-sentinel://...                                        the same over TLS: sentinels and data nodes
 * redis-cluster://[user:password@]host1:port1,host2:port2
 * rediss-cluster://...                                         the same over TLS
 * </pre>
 *
 * Errors name the setting and show the URI masked: never any part of the user info, nor the
 * value of a query parameter other than {@code db} and {@code user}.
 */
public final class RedisUri {

    public enum Kind { STANDALONE, UNIX, SENTINEL, CLUSTER }

    /** A host and port; IPv6 literals are written in brackets in the URI. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final Kind kind;
    private final boolean tls;
    private final List<Address> addresses;
    private final String socketPath;
    private final String masterName;
    private final int database;
    private final String user;
    private final String password;
    private final String original;

    private RedisUri(Kind kind, boolean tls, List<Address> addresses, String socketPath, String masterName,
                     int database, String user, String password, String original) {
        this.kind = kind;
        this.tls = tls;
        this.addresses = List.copyOf(addresses);
        this.socketPath = socketPath;
        this.masterName = masterName;
        this.database = database;
        this.user = user;
        this.password = password;
        this.original = original;
    }

    public static RedisUri parse(String setting, String uri) {
        if (uri == null || uri.isBlank()) {
            throw new ConfigurationException(setting, uri, "a Redis URI such as redis://127.0.0.1:6379/0");
        }
        String trimmed = uri.trim();
        int schemeEnd = trimmed.indexOf("://");
        if (schemeEnd <= 0) {
            throw bad(setting, trimmed, "missing scheme; expected " + SCHEMES);
        }
        try {
            return parse(setting, trimmed, schemeEnd);
        } catch (ConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // URLDecoder quotes the offending text, which may be part of a password: not shown
            throw bad(setting, trimmed, "invalid %-escape; write a literal '%' as %25");
        }
    }

    private static final String SCHEMES =
            "redis://, rediss://, unix://, redis-sentinel://, rediss-sentinel://, redis-cluster:// or rediss-cluster://";

    private static RedisUri parse(String setting, String trimmed, int schemeEnd) {
        String scheme = trimmed.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String rest = trimmed.substring(schemeEnd + 3);
        // The user info ends at the last '@': a password may hold '@' and '/' unencoded.
        String userInfo = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at);
            if (userInfo.indexOf('?') >= 0 || userInfo.indexOf('#') >= 0) {
                // Either a password holds '?' or a query value holds '@': which one cannot be told,
                // and guessing wrong would show a piece of the password as a host or a port.
                throw bad(setting, trimmed, "cannot tell where the user info ends: percent-encode '?' as %3F"
                        + " and '#' as %23 in a user or password, '@' as %40 in a query value"
                        + " (or give them with the user and password settings)");
            }
            rest = rest.substring(at + 1);
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        Map<String, String> params = parseQuery(setting, trimmed, query);
        switch (scheme) {
            case "redis":
            case "rediss":
            case "redis-sentinel":
            case "rediss-sentinel":
            case "redis-cluster":
            case "rediss-cluster":
                return parseNetwork(setting, trimmed, scheme, userInfo, rest, params);
            case "unix":
                if (userInfo != null) {
                    throw bad(setting, trimmed, "credentials before the socket path are not read: write"
                            + " unix:///path/to/redis.sock?user=U&password=P, or use the user and password settings");
                }
                return parseUnix(setting, trimmed, rest, params);
            default:
                throw bad(setting, trimmed, "unknown scheme '" + scheme + "'; expected " + SCHEMES);
        }
    }

    private static RedisUri parseNetwork(String setting, String uri, String givenScheme, String userInfo, String rest,
                                         Map<String, String> params) {
        boolean tls = givenScheme.startsWith("rediss");
        // the same forms with TLS: rediss-sentinel is redis-sentinel, rediss-cluster is redis-cluster
        String scheme = tls ? "redis" + givenScheme.substring("rediss".length()) : givenScheme;
        String user = null;
        String password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                user = decode(userInfo.substring(0, colon));
                password = decode(userInfo.substring(colon + 1));
            } else {
                // redis://secret@host is the common short form for a password without a user
                password = decode(userInfo);
            }
            if (user != null && user.isEmpty()) {
                user = null;
            }
        }
        String hostPart = rest;
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            hostPart = rest.substring(0, slash);
            path = rest.substring(slash + 1);
        }
        boolean multi = scheme.equals("redis-sentinel") || scheme.equals("redis-cluster");
        int defaultPort = scheme.equals("redis-sentinel") ? 26379 : 6379;
        List<Address> addresses = new ArrayList<>();
        for (String hp : hostPart.split(",")) {
            addresses.add(parseAddress(setting, uri, hp.trim(), defaultPort));
        }
        if (!multi && addresses.size() != 1) {
            throw bad(setting, uri, "one host:port expected; use redis-sentinel:// or redis-cluster:// for several");
        }
        String masterName = null;
        int db = 0;
        List<String> segments = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        switch (scheme) {
            case "redis-sentinel":
                if (segments.isEmpty()) {
                    throw bad(setting, uri, "the master name is missing: redis-sentinel://host:26379/mymaster[/db]");
                }
                masterName = decode(segments.get(0));
                if (segments.size() > 2) {
                    throw bad(setting, uri, "expected /masterName[/db] after the sentinels");
                }
                if (segments.size() == 2) {
                    db = parseDb(setting, uri, segments.get(1));
                }
                break;
            case "redis-cluster":
                if (!segments.isEmpty() && !(segments.size() == 1 && segments.get(0).equals("0"))) {
                    throw bad(setting, uri, "Redis Cluster has only database 0; remove the path");
                }
                break;
            default:
                if (segments.size() > 1) {
                    throw bad(setting, uri, "expected at most /db after host:port");
                }
                if (segments.size() == 1) {
                    db = parseDb(setting, uri, segments.get(0));
                }
        }
        if (params.containsKey("db")) {
            if (scheme.equals("redis-cluster")) {
                throw bad(setting, uri, "Redis Cluster has only database 0");
            }
            db = parseDb(setting, uri, params.get("db"));
        }
        if (params.containsKey("user")) {
            user = params.get("user");
        }
        if (params.containsKey("password")) {
            password = params.get("password");
        }
        for (String key : params.keySet()) {
            if (!key.equals("db") && !key.equals("user") && !key.equals("password")) {
                throw bad(setting, uri, "unknown query parameter '" + key + "'; known: db, user, password");
            }
        }
        Kind kind = switch (scheme) {
            case "redis-sentinel" -> Kind.SENTINEL;
            case "redis-cluster" -> Kind.CLUSTER;
            default -> Kind.STANDALONE;
        };
        return new RedisUri(kind, tls, addresses, null, masterName, db, user, password, uri);
    }

    private static RedisUri parseUnix(String setting, String uri, String rest, Map<String, String> params) {
        // unix:///run/redis.sock -> rest = "/run/redis.sock"; unix://localhost/run/redis.sock also accepted
        String path = rest;
        if (!path.startsWith("/")) {
            int slash = path.indexOf('/');
            if (slash < 0) {
                throw bad(setting, uri, "expected an absolute socket path: unix:///path/to/redis.sock");
            }
            String host = path.substring(0, slash);
            if (!host.equalsIgnoreCase("localhost")) {
                // a socket is on this machine: another host would be ignored
                throw bad(setting, uri, "a unix socket has no host '" + host + "': unix:///path/to/redis.sock");
            }
            path = path.substring(slash);
        }
        path = decode(path);
        if (path.length() < 2) {
            throw bad(setting, uri, "expected an absolute socket path: unix:///path/to/redis.sock");
        }
        int db = 0;
        String user = null;
        String password = null;
        for (Map.Entry<String, String> e : params.entrySet()) {
            switch (e.getKey()) {
                case "db" -> db = parseDb(setting, uri, e.getValue());
                case "user" -> user = e.getValue();
                case "password" -> password = e.getValue();
                default -> throw bad(setting, uri, "unknown query parameter '" + e.getKey() + "'; known: db, user, password");
            }
        }
        return new RedisUri(Kind.UNIX, false, List.of(), path, null, db, user, password, uri);
    }

    private static Address parseAddress(String setting, String uri, String hp, int defaultPort) {
        if (hp.isEmpty()) {
            throw bad(setting, uri, "a host is missing");
        }
        String host;
        String portText = null;
        if (hp.startsWith("[")) {
            int close = hp.indexOf(']');
            if (close < 0) {
                throw bad(setting, uri, "unclosed '[' in IPv6 address '" + hp + "'");
            }
            host = ipv6(setting, uri, hp.substring(1, close));
            String after = hp.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw bad(setting, uri, "unexpected '" + after + "' after IPv6 address");
            }
        } else {
            int colon = hp.lastIndexOf(':');
            if (colon >= 0) {
                host = hp.substring(0, colon);
                portText = hp.substring(colon + 1);
            } else {
                host = hp;
            }
            if (host.isEmpty() || !host.matches("[A-Za-z0-9._-]+")) {
                throw bad(setting, uri, "invalid host '" + host + "'; write an IPv6 address in brackets: [::1]:6379");
            }
        }
        int port = defaultPort;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw bad(setting, uri, "invalid port '" + portText + "'");
            }
            if (port < 1 || port > 65535) {
                throw bad(setting, uri, "port " + port + " is out of range 1-65535");
            }
        }
        return new Address(host, port);
    }

    /**
     * An IPv6 literal from between the brackets, with its zone id decoded: {@code fe80::1%25eth0}
     * (RFC 6874) becomes {@code fe80::1%eth0}, the form Java resolves.
     */
    private static String ipv6(String setting, String uri, String literal) {
        String address = literal;
        String zone = null;
        int percent = literal.indexOf('%');
        if (percent >= 0) {
            address = literal.substring(0, percent);
            String encodedZone = literal.substring(percent + 1);
            // RFC 6874 writes the '%' as %25; a bare '%' before the zone is accepted as well
            zone = decode(encodedZone.startsWith("25") ? encodedZone.substring(2) : encodedZone);
            if (!zone.matches("[A-Za-z0-9._~-]+")) {
                throw bad(setting, uri, "invalid IPv6 zone id '" + zone + "'");
            }
        }
        if (address.indexOf(':') < 0 || !address.matches("[0-9A-Fa-f:.]+")) {
            throw bad(setting, uri, "invalid IPv6 address '" + literal + "'");
        }
        return zone == null ? address : address + "%" + zone;
    }

    private static int parseDb(String setting, String uri, String text) {
        try {
            int db = Integer.parseInt(text);
            if (db >= 0 && db <= 100_000) {
                return db;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(setting, uri, "invalid database number '" + text + "'");
    }

    private static Map<String, String> parseQuery(String setting, String uri, String query) {
        if (query == null || query.isEmpty()) {
            return Map.of();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw bad(setting, uri, "a query parameter has no value; expected name=value");
            }
            String key = decode(pair.substring(0, eq));
            if (params.put(key, decode(pair.substring(eq + 1))) != null) {
                throw bad(setting, uri, "query parameter '" + key + "' is given twice");
            }
        }
        return params;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static ConfigurationException bad(String setting, String uri, String why) {
        return new ConfigurationException(setting, maskPassword(uri), why);
    }

    /** Query parameters whose values are shown; every other value is masked. */
    private static final Set<String> SHOWN_QUERY_KEYS = Set.of("db", "user");

    /**
     * Masks the secrets in a URI text, also in one that does not parse: the whole user info
     * (everything up to the last '@', so a password with an unencoded '/' or '?' is covered as
     * well; masking too much is the safe mistake), and the value of every query parameter except
     * {@code db} and {@code user}, judged by its decoded name ({@code pass%77ord} is a password).
     */
    public static String maskPassword(String uri) {
        if (uri == null) {
            return null;
        }
        int schemeEnd = uri.indexOf("://");
        // without a scheme (a typo) the user info still starts the text: mask it too
        int start = schemeEnd < 0 ? 0 : schemeEnd + 3;
        String rest = uri.substring(start);
        int at = rest.lastIndexOf('@');
        String userInfo = "";
        if (at >= 0) {
            userInfo = "****@";
            rest = rest.substring(at + 1);
        }
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q + 1) + maskQuery(rest.substring(q + 1));
        }
        return uri.substring(0, start) + userInfo + rest;
    }

    private static String maskQuery(String query) {
        StringBuilder sb = new StringBuilder();
        for (String pair : query.split("&", -1)) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                sb.append(pair.isEmpty() ? "" : "****"); // a value without a name: may be anything
                continue;
            }
            String key = pair.substring(0, eq);
            String decodedKey;
            try {
                decodedKey = decode(key).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                decodedKey = null; // undecodable: treated as secret
            }
            boolean shown = decodedKey != null && SHOWN_QUERY_KEYS.contains(decodedKey);
            sb.append(key).append('=').append(shown ? pair.substring(eq + 1) : "****");
        }
        return sb.toString();
    }

    /** A copy with the user and password replaced where the given ones are not null. */
    public RedisUri withCredentials(String newUser, String newPassword) {
        if (newUser == null && newPassword == null) {
            return this;
        }
        return new RedisUri(kind, tls, addresses, socketPath, masterName, database,
                newUser != null ? newUser : user, newPassword != null ? newPassword : password, original);
    }

    /** The URI as given, user info and password masked: safe to log and to show in JMX. */
    public String masked() {
        return maskPassword(original);
    }

    public Kind kind() { return kind; }
    public boolean tls() { return tls; }
    public List<Address> addresses() { return Collections.unmodifiableList(addresses); }
    public String socketPath() { return socketPath; }
    public String masterName() { return masterName; }
    public int database() { return database; }
    public String user() { return user; }
    public String password() { return password; }

    @Override
    public String toString() {
        return masked();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RedisUri r && kind == r.kind && tls == r.tls && database == r.database
                && addresses.equals(r.addresses) && Objects.equals(socketPath, r.socketPath)
                && Objects.equals(masterName, r.masterName) && Objects.equals(user, r.user)
                && Objects.equals(password, r.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, tls, addresses, socketPath, masterName, database, user);
    }
}
