package io.redissessions.core.store;

import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.codec.ValueCodec;
import io.redissessions.core.connection.RedisConnector;
import org.apache.commons.pool2.impl.GenericObjectPool;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The container-neutral session store: wire format 1 on Redis (docs/wire-format.md).
 *
 * <ul>
 *   <li>{@link #load} is one round trip (HGETALL); attributes stay encoded.</li>
 *   <li>{@link #save} is one round trip: one Lua script sets and deletes the changed fields,
 *       bumps the write counter, sets the key's expiry and the expiry index entry, and refuses
 *       to re-create a session that another node deleted.</li>
 *   <li>{@link #claimExpired} hands each expired session to exactly one caller across nodes.</li>
 * </ul>
 *
 * Thread-safe. Redis failures surface as {@link SessionStoreException}; every call is bounded by
 * the connector's timeouts.
 */
public class RedisSessionStore implements AutoCloseable {

    /** What became of a save. */
    public enum SaveResult {
        /** Written. */
        SAVED,
        /** Not written: another node deleted the session meanwhile (it is not re-created). */
        GONE,
        /** Not written: the stored session had expired (expiry is decided by what is stored). */
        EXPIRED,
        /** Not written: a session with this id already exists (create only). */
        ID_TAKEN
    }

    private static final LuaScript SAVE = LuaScript.load("save.lua");
    private static final LuaScript DELETE = LuaScript.load("delete.lua");
    private static final LuaScript CLAIM = LuaScript.load("claim.lua");
    private static final LuaScript RENAME = LuaScript.load("rename.lua");
    private static final LuaScript DUMP = LuaScript.load("dump.lua");
    private static final LuaScript RESTORE = LuaScript.load("restore.lua");

    private static final byte[] EXPIRY_FIELD = bytes(Fields.EXPIRY);

    private final RedisConnector connector;
    private final SessionKeys keys;
    private final ValueCodec codec;
    private final Clock clock;
    private final long graceMillis;
    private final double touchIntervalFraction;
    private final String nodeId;
    private final StoreMetrics metrics = new StoreMetrics();

    /**
     * @param config    validated settings
     * @param namespace the namespace (the setting, or one derived from the context path)
     * @param clock     the time source; tests pass a fixed or adjustable clock
     */
    public RedisSessionStore(SessionStoreConfig config, String namespace, Clock clock) {
        this(config, new RedisConnector(config), namespace, clock);
    }

    public RedisSessionStore(SessionStoreConfig config, RedisConnector connector, String namespace, Clock clock) {
        config.validate();
        this.connector = Objects.requireNonNull(connector, "connector");
        this.keys = new SessionKeys(config.getKeyPrefix(), namespace);
        this.codec = ValueCodec.fromConfig(config);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.graceMillis = config.getExpiryGraceSeconds() * 1000L;
        this.touchIntervalFraction = config.getTouchIntervalFraction();
        this.nodeId = config.effectiveNodeId();
    }

    public SessionKeys keys() { return keys; }
    public ValueCodec codec() { return codec; }
    public Clock clock() { return clock; }
    public StoreMetrics metrics() { return metrics; }
    public String nodeId() { return nodeId; }
    public RedisConnector connector() { return connector; }
    public double touchIntervalFraction() { return touchIntervalFraction; }
    public long graceMillis() { return graceMillis; }

    /** A new, empty session state for a session that is not stored yet. */
    public SessionState newSession(String id, int maxInactiveSeconds) {
        return SessionState.create(this, id, clock.millis(), maxInactiveSeconds);
    }

    /** Loads a session as tracked state, or null if absent or expired. One round trip. */
    public SessionState open(String id) {
        StoredSession stored = load(id);
        if (stored == null || stored.isExpiredAt(clock.millis())) {
            return null;
        }
        return SessionState.load(this, stored);
    }

    /**
     * Opens a session that this node took with {@link #claimExpired}, although its stored expiry
     * has passed, so that the container can run its listeners on its attributes before
     * {@link #delete}. Null if it is gone. One round trip.
     */
    public SessionState openClaimed(String id) {
        StoredSession stored = load(id);
        return stored == null ? null : SessionState.load(this, stored);
    }

    // ------------------------------------------------------------------ I/O

    /**
     * Reads a session in one round trip. Returns null when there is none; an expired session that
     * is still readable (grace period) is returned, see {@link StoredSession#isExpiredAt}.
     */
    public StoredSession load(String id) {
        Map<byte[], byte[]> raw = read("load " + id, j -> j.hgetAll(bytes(keys.sessionKey(id))));
        if (raw == null || raw.isEmpty()) {
            metrics.load(false, 0);
            return null;
        }
        StoredSession s = decodeHash(id, raw);
        metrics.load(true, s.sizeBytes());
        return s;
    }

    private static StoredSession decodeHash(String id, Map<byte[], byte[]> raw) {
        long created = 0;
        long accessed = 0;
        int maxInactive = 0;
        long expiry = 0;
        long version = 0;
        String node = null;
        Map<String, String> extras = new HashMap<>();
        Map<String, byte[]> attributes = new HashMap<>();
        long size = 0;
        for (Map.Entry<byte[], byte[]> e : raw.entrySet()) {
            String field = new String(e.getKey(), StandardCharsets.UTF_8);
            byte[] value = e.getValue();
            size += e.getKey().length + value.length;
            if (field.startsWith(Fields.ATTRIBUTE_PREFIX)) {
                attributes.put(field.substring(Fields.ATTRIBUTE_PREFIX.length()), value);
                continue;
            }
            String text = new String(value, StandardCharsets.UTF_8);
            switch (field) {
                case Fields.CREATED -> created = parseLong(text);
                case Fields.ACCESSED -> accessed = parseLong(text);
                case Fields.MAX_INACTIVE -> maxInactive = (int) parseLong(text);
                case Fields.EXPIRY -> expiry = parseLong(text);
                case Fields.VERSION -> version = parseLong(text);
                case Fields.NODE -> node = text;
                default -> {
                    if (field.startsWith(Fields.EXTRA_PREFIX)) {
                        extras.put(field.substring(Fields.EXTRA_PREFIX.length()), text);
                    }
                }
            }
        }
        return new StoredSession(id, created, accessed, maxInactive, expiry, node, version, extras, attributes, size);
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Saves in one round trip; see {@link SaveResult}. */
    public SaveResult save(SessionUpdate update) {
        String id = update.id();
        long now = clock.millis();
        long expireAt = update.expiryMillis() > 0 ? update.expiryMillis() + graceMillis : 0;
        List<byte[]> args = new ArrayList<>(8 + 2 * update.fields().size() + update.removedFields().size());
        args.add(bytes(update.isCreate() ? "c" : "u"));
        args.add(bytes(id));
        args.add(bytes(Long.toString(now)));
        args.add(bytes(Long.toString(update.expiryMillis())));
        args.add(bytes(Long.toString(expireAt)));
        Map<String, byte[]> fields = new java.util.LinkedHashMap<>(update.fields());
        if (update.isCreate()) {
            fields.putIfAbsent(Fields.FORMAT, bytes(Fields.FORMAT_VERSION));
        }
        fields.putIfAbsent(Fields.NODE, bytes(nodeId));
        args.add(bytes(Integer.toString(fields.size())));
        long size = 0;
        for (Map.Entry<String, byte[]> f : fields.entrySet()) {
            byte[] name = bytes(f.getKey());
            args.add(name);
            args.add(f.getValue());
            size += name.length + f.getValue().length;
        }
        args.add(bytes(Integer.toString(update.removedFields().size())));
        for (String f : update.removedFields()) {
            args.add(bytes(f));
        }
        List<byte[]> k = List.of(bytes(keys.sessionKey(id)), bytes(keys.indexKeyFor(id)));
        Object result = script("save " + id, SAVE, k, args);
        long code = result instanceof Long l ? l : -1;
        if (code > 0) {
            metrics.save(size);
            return SaveResult.SAVED;
        }
        metrics.saveConflict();
        return code == -2 ? SaveResult.EXPIRED : code == -3 ? SaveResult.ID_TAKEN : SaveResult.GONE;
    }

    /** Deletes a session and its index entry. Returns whether it existed. One round trip. */
    public boolean delete(String id) {
        List<byte[]> k = List.of(bytes(keys.sessionKey(id)), bytes(keys.indexKeyFor(id)));
        Object r = script("delete " + id, DELETE, k, List.of(bytes(id)));
        metrics.delete();
        return r instanceof Long l && l > 0;
    }

    /** Whether a session exists and has not expired, by what is stored. One round trip. */
    public boolean exists(String id) {
        byte[] expiry = read("exists " + id, j -> j.hget(bytes(keys.sessionKey(id)), EXPIRY_FIELD));
        if (expiry == null) {
            return false;
        }
        long e = parseLong(new String(expiry, StandardCharsets.UTF_8));
        return e <= 0 || e > clock.millis();
    }

    /**
     * Gives a session a new id, keeping its data, TTL and expiry. Atomic where one script may
     * touch both keys; on Redis Cluster with different slots it copies (DUMP/RESTORE with the
     * remaining TTL) and then deletes the old key, three round trips.
     *
     * @return true if renamed; false if the old session does not exist
     * @throws SessionStoreException if the new id is taken
     */
    public boolean changeId(String oldId, String newId) {
        String oldKey = keys.sessionKey(oldId);
        String newKey = keys.sessionKey(newId);
        String oldIndex = keys.indexKeyFor(oldId);
        String newIndex = keys.indexKeyFor(newId);
        boolean oneScript = !connector.isCluster()
                || JedisClusterCRC16.getSlot(oldKey) == JedisClusterCRC16.getSlot(newKey);
        if (oneScript) {
            List<byte[]> k = List.of(bytes(oldKey), bytes(newKey), bytes(oldIndex), bytes(newIndex));
            Object r = script("changeId " + oldId, RENAME, k, List.of(bytes(oldId), bytes(newId)));
            return renameResult(r, newId);
        }
        Object dumped = script("changeId " + oldId, DUMP, List.of(bytes(oldKey), bytes(oldIndex)),
                List.of(bytes(oldId)));
        if (!(dumped instanceof List<?> parts) || parts.size() < 3) {
            return false;
        }
        byte[] dump = (byte[]) parts.get(0);
        long pttl = parts.get(1) instanceof Long l ? l : 0;
        byte[] score = parts.get(2) instanceof byte[] b ? b : new byte[0];
        Object r = script("changeId " + newId, RESTORE, List.of(bytes(newKey), bytes(newIndex)),
                List.of(bytes(newId), dump, bytes(Long.toString(pttl)), score));
        boolean done = renameResult(r, newId);
        if (done) {
            delete(oldId);
        }
        return done;
    }

    private static boolean renameResult(Object r, String newId) {
        long code = r instanceof Long l ? l : 0;
        if (code == -3) {
            throw new SessionStoreException("cannot change the session id: id " + newId + " is already taken");
        }
        return code == 1;
    }

    /**
     * Claims up to {@code max} sessions whose stored expiry has passed. Each expired session is
     * returned to exactly one caller across all nodes; its data stays readable (the key TTL
     * includes the grace period) until the claimer deletes it. One round trip per shard.
     */
    public List<String> claimExpired(int max) {
        long now = clock.millis();
        List<String> claimed = new ArrayList<>();
        for (int shard = 0; shard < SessionKeys.SHARDS && claimed.size() < max; shard++) {
            int remaining = max - claimed.size();
            List<byte[]> k = List.of(bytes(keys.indexKey(shard)));
            List<byte[]> args = List.of(bytes(Long.toString(now)), bytes(Integer.toString(remaining)),
                    bytes(keys.sessionKeyPrefix(shard)));
            Object r = script("claimExpired", CLAIM, k, args);
            if (r instanceof List<?> ids) {
                for (Object id : ids) {
                    claimed.add(new String((byte[]) id, StandardCharsets.UTF_8));
                }
            }
        }
        metrics.claimed(claimed.size());
        return claimed;
    }

    /** Sends PING; true if Redis answered. */
    public boolean ping() {
        try {
            read("ping", j -> j.ping());
            return true;
        } catch (SessionStoreException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ plumbing

    /** Runs a script with EVALSHA; on NOSCRIPT (a restarted or new server) sends it with EVAL. */
    private Object script(String what, LuaScript script, List<byte[]> keyArgs, List<byte[]> args) {
        try {
            return call(what, j -> j.evalsha(script.sha1(), keyArgs, args));
        } catch (JedisNoScriptException e) {
            return call(what, j -> j.eval(script.source(), keyArgs, args));
        }
    }

    /** One round trip, timed and counted; Redis failures become {@link SessionStoreException}. */
    private <T> T call(String what, Function<UnifiedJedis, T> op) {
        return call(what, op, false);
    }

    /**
     * A read: like {@link #call}, but tried once more on a fresh connection when the connection
     * broke (not when it timed out: a slow Redis still costs at most the socket timeout). A
     * restarted Redis leaves every pooled connection dead; without the retry, each of them would
     * cost one request after Redis is back.
     */
    private <T> T read(String what, Function<UnifiedJedis, T> op) {
        return call(what, op, true);
    }

    private <T> T call(String what, Function<UnifiedJedis, T> op, boolean retryRead) {
        long start = System.nanoTime();
        UnifiedJedis client = null;
        try {
            // one deadline (operationTimeoutMillis) for the whole operation: the wait for the
            // client, the cluster client's redirects and reconnects, and the read retry below
            try (var deadline = connector.startOperation()) {
                client = connector.client();
                try {
                    return op.apply(client);
                } catch (JedisConnectionException e) {
                    if (isTimeout(e)) {
                        throw e; // Redis is slow, not gone: a retry would only double the wait
                    }
                    // the server may have closed every pooled connection: let the next use connect afresh
                    discardIdleConnections(client);
                    if (!retryRead || !deadline.allowsAnotherAttempt()) {
                        throw e;
                    }
                    return op.apply(client);
                }
            }
        } catch (JedisNoScriptException e) {
            throw e;
        } catch (JedisException e) {
            metrics.redisError();
            throw new SessionStoreException("redis-sessions: Redis " + what + " failed on "
                    + connector.uri().masked() + ": " + e.getMessage(), e);
        } catch (SessionStoreException e) {
            metrics.redisError();
            throw e;
        } finally {
            metrics.roundTrip(System.nanoTime() - start);
        }
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static void discardIdleConnections(UnifiedJedis client) {
        try {
            if (client instanceof RedisClient c) {
                c.getPool().clear();
            } else if (client instanceof RedisClusterClient c) {
                c.getClusterNodes().values().forEach(GenericObjectPool::clear);
            } else if (client instanceof RedisSentinelClient c) {
                c.getPrimaryNodesConnectionMap().values().forEach(GenericObjectPool::clear);
            }
        } catch (RuntimeException e) {
            // best effort: the pool's own eviction gets them later
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        connector.close();
    }
}
