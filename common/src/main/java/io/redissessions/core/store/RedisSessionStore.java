package io.redissessions.core.store;

import io.redissessions.core.SessionIds;
import io.redissessions.core.SessionStoreConfig;
import io.redissessions.core.SessionStoreException;
import io.redissessions.core.Settings;
import io.redissessions.core.StoreLog;
import io.redissessions.core.codec.ExtraCodec;
import io.redissessions.core.codec.SignatureScope;
import io.redissessions.core.codec.Signatures;
import io.redissessions.core.codec.ValueCodec;
import io.redissessions.core.connection.PipelinedWrite;
import io.redissessions.core.connection.RedisConnector;
import org.apache.commons.pool2.impl.GenericObjectPool;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The container-neutral session store: wire format 1 on Redis (docs/wire-format.md).
 *
 * <ul>
 *   <li>{@link #load} is one round trip (a script: TIME and HGETALL); attributes stay encoded.</li>
 *   <li>{@link #save} is one round trip: one Lua script sets and deletes the changed fields,
 *       bumps the write counter, sets the key's expiry and the expiry index entry, and refuses
 *       to re-create a session that another node deleted, and to apply a save that reaches Redis
 *       after this node stopped waiting for its reply (see {@link #write}).</li>
 *   <li>{@link #claimExpired} leases each expired session to one caller across nodes at a time;
 *       {@link #finishClaim} ends the lease by deleting the session.</li>
 *   <li>Expiry is decided by Redis's clock (TIME inside the scripts), never by a node's: a node's
 *       clock only measures how long ago its own request accessed the session.</li>
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
        ID_TAKEN,
        /** Not written: Redis refused the data of this save (a script error); not an outage. */
        REFUSED,
        /**
         * Not written: the request held the session's lock (lockingMode), but its lease ran out and
         * another request holds the lock now or changed the session meanwhile.
         */
        LOCK_LOST
    }

    private static final LuaScript LOAD = LuaScript.load("load.lua");
    private static final LuaScript SAVE = LuaScript.load("save.lua");
    private static final LuaScript DELETE = LuaScript.load("delete.lua");
    private static final LuaScript EXISTS = LuaScript.load("exists.lua");
    private static final LuaScript RENAME = LuaScript.load("rename.lua");
    private static final LuaScript FINISH = LuaScript.load("finish.lua");

    private final RedisConnector connector;
    private final SessionKeys keys;
    private final ValueCodec codec;
    private final ExtraCodec extraCodec;
    private final Clock clock;
    private final long graceMillis;
    private final double touchIntervalFraction;
    private final String nodeId;
    /** saveReplicas: replicas each save waits for (WAIT in the same round trip); 0: none. */
    private final int saveReplicas;
    private final int saveReplicasTimeoutMillis;
    private final StoreMetrics metrics = new StoreMetrics();
    private final ExpiryClaimer claimer;
    private final StoreLog log;
    /** Redis's clock as the last load or save reply of any session showed it; null before the first. */
    private volatile RedisClockReading lastClockReading;
    /** Sessions this node served recently (nearCache=on), else null. */
    private final NearCache nearCache;
    private final RedisLocks locks;
    /**
     * Read-only scripts (load, exists, claim candidates) run with EVALSHA_RO (Redis 7+), which
     * Redis serves during {@code CLIENT PAUSE WRITE} (a failover in progress) and on replicas;
     * false once Redis said it does not know the command.
     */
    private volatile boolean readOnlyScripts = true;

    /**
     * @param config    validated settings
     * @param namespace the namespace (the setting, or one derived from the context path)
     * @param clock     the time source; tests pass a fixed or adjustable clock
     */
    public RedisSessionStore(SessionStoreConfig config, String namespace, Clock clock) {
        this(config, new RedisConnector(config), namespace, clock);
    }

    public RedisSessionStore(SessionStoreConfig config, RedisConnector connector, String namespace, Clock clock) {
        this(config, connector, namespace, clock, StoreLog.system(RedisSessionStore.class.getName()));
    }

    /**
     * @param log where lines of the shared policy go (the container's logging)
     */
    public RedisSessionStore(SessionStoreConfig config, RedisConnector connector, String namespace, Clock clock,
                             StoreLog log) {
        config.validate();
        this.log = Objects.requireNonNull(log, "log");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.keys = new SessionKeys(config.getKeyPrefix(), namespace);
        this.codec = ValueCodec.fromConfig(config);
        this.extraCodec = new ExtraCodec(codec.signatures());
        this.clock = Objects.requireNonNull(clock, "clock");
        this.graceMillis = config.getExpiryGraceSeconds() * 1000L;
        this.touchIntervalFraction = config.getTouchIntervalFraction();
        this.nodeId = config.effectiveNodeId();
        this.saveReplicas = config.getSaveReplicas();
        this.saveReplicasTimeoutMillis = config.getSaveReplicasTimeoutMillis();
        this.claimer = new ExpiryClaimer(this, config.getExpiryClaimLeaseSeconds() * 1000L);
        this.nearCache = config.nearCacheOn()
                ? new NearCache(config.get(Settings.NEAR_CACHE_MAX_SESSIONS), config.get(Settings.NEAR_CACHE_MAX_BYTES))
                : null;
        this.locks = new RedisLocks(this);
    }

    public SessionKeys keys() { return keys; }
    public ValueCodec codec() { return codec; }
    public ExtraCodec extraCodec() { return extraCodec; }

    /** Where the fields of a session whose binding id is {@code bindingId} are signed for. */
    public SignatureScope scope(String bindingId) {
        return new SignatureScope(keys.prefix(), keys.namespace(), bindingId);
    }

    /**
     * The binding id of a loaded session: its {@code #bid} when the binding MAC {@code #bmac} says it
     * belongs to this id, else the id itself (also when no signing key is set). A {@code #bid} whose
     * MAC does not verify (copied from another session, forged) is logged and ignored: the fields
     * signed for it then fail their own check.
     */
    String bindingIdOf(StoredSession s) {
        Signatures signatures = codec.signatures();
        if (!signatures.enabled() || s.bindingId() == null) {
            return s.id();
        }
        if (signatures.bindingValid(keys.prefix(), keys.namespace(), s.id(), s.bindingId(), s.bindingMac())) {
            return s.bindingId();
        }
        metrics.decodeFailure();
        log.warn("redis-sessions: session " + SessionIds.fingerprint(s.id()) + " carries a " + Fields.BINDING_ID
                + " whose " + Fields.BINDING_MAC + " does not verify (copied from another session, or forged): its"
                + " signed values and extras are not accepted");
        return s.id();
    }
    public Clock clock() { return clock; }
    public StoreMetrics metrics() { return metrics; }
    public StoreLog log() { return log; }
    public String nodeId() { return nodeId; }
    public RedisConnector connector() { return connector; }
    public double touchIntervalFraction() { return touchIntervalFraction; }
    public long graceMillis() { return graceMillis; }
    /** The lock operations (lockingMode). */
    public RedisLocks locks() { return locks; }
    /** Whether this store keeps the sessions it served (nearCache=on). */
    public boolean hasNearCache() { return nearCache != null; }
    /** How many sessions the near cache holds now (0 when it is off). */
    public long nearCacheSize() { return nearCache == null ? 0 : nearCache.size(); }

    /** A new, empty session state for a session that is not stored yet. */
    public SessionState newSession(String id, int maxInactiveSeconds) {
        return SessionState.create(this, id, clock.millis(), maxInactiveSeconds);
    }

    /** A new session state with the creation and access times the container chose (Jetty passes its own). */
    public SessionState newSession(String id, long createdMillis, long accessedMillis, int maxInactiveSeconds) {
        return SessionState.create(this, id, createdMillis, accessedMillis, maxInactiveSeconds);
    }

    /** A session read from Redis as tracked state (e.g. by {@link RedisLocks#lockAndLoad}). */
    public SessionState stateOf(StoredSession stored) {
        return SessionState.load(this, stored);
    }

    /** Says that {@code state} was read under {@code lock}, taken by its request: its saves are fenced by it. */
    public void lockState(SessionState state, SessionLock lock) {
        state.lockedBy(lock);
    }

    /** Loads a session as tracked state, or null if absent or expired by Redis's clock. One round trip. */
    public SessionState open(String id) {
        StoredSession stored = load(id);
        if (stored == null || stored.isExpired()) {
            return null;
        }
        return SessionState.load(this, stored);
    }

    /**
     * Opens a session that this node took with {@link #claimExpired}, although its stored expiry
     * has passed, so that the container can run its listeners on its attributes before
     * {@link #finishClaim}. Null if it is gone. One round trip.
     */
    public SessionState openClaimed(Claim claim) {
        return openIncludingExpired(claim.id());
    }

    /**
     * Opens a session whether or not its stored expiry has passed (its grace period keeps it
     * readable): for a container whose own cache decides what an expired session means. Null if
     * it is gone. One round trip.
     */
    public SessionState openIncludingExpired(String id) {
        StoredSession stored = load(id);
        return stored == null ? null : SessionState.load(this, stored);
    }

    // ------------------------------------------------------------------ I/O

    /**
     * Reads a session, with Redis's clock, in one round trip (one script: TIME and HGETALL).
     * Returns null when there is none; an expired session that is still readable (grace period)
     * is returned, see {@link StoredSession#isExpired}.
     */
    public StoredSession load(String id) {
        long readAt = clock.millis();
        StoredSession cached = cached(id);
        Object r = readScript("load session " + SessionIds.fingerprint(id), LOAD, List.of(bytes(keys.sessionKey(id))),
                cached == null ? List.of() : versionArgs(cached));
        long receivedNanos = System.nanoTime();
        List<?> reply = r instanceof List<?> l ? l : List.of();
        long redisTime = !reply.isEmpty() && reply.get(0) instanceof Long t ? t : clock.millis();
        if (!reply.isEmpty() && reply.get(0) instanceof Long t) {
            lastClockReading = new RedisClockReading(t, receivedNanos);
        }
        if (cached != null && reply.size() == 2 && reply.get(1) instanceof Long) {
            return unchanged(cached, redisTime, readAt, receivedNanos);
        }
        return loaded(id, reply.size() == 2 && reply.get(1) instanceof List<?> h ? h : List.of(), redisTime, readAt,
                receivedNanos);
    }

    /** The copy the near cache keeps of session {@code id}, or null. */
    StoredSession cached(String id) {
        return nearCache == null ? null : nearCache.get(id);
    }

    /** The #v and #created of a cached copy, as the load and lock scripts compare them. */
    static List<byte[]> versionArgs(StoredSession cached) {
        return List.of(bytes(Long.toString(cached.version())), bytes(Long.toString(cached.createdMillis())));
    }

    /**
     * A cached copy that Redis said is still the stored version: counted, with the new read's clocks.
     *
     * @param receivedNanos this node's nanoTime right after the reply was read
     */
    StoredSession unchanged(StoredSession cached, long redisTime, long readAt, long receivedNanos) {
        metrics.nearCacheHit();
        metrics.load(true, 0);
        return cached.seenAgain(redisTime, readAt, receivedNanos);
    }

    /** A hash read in full: counted, and kept by the near cache; null (and forgotten) when empty. */
    StoredSession loaded(String id, List<?> hash, long redisTime, long readAt, long receivedNanos) {
        if (hash.isEmpty()) {
            metrics.load(false, 0);
            forget(id);
            return null;
        }
        StoredSession s = StoredSession.fromHash(id, hash, redisTime, readAt, receivedNanos);
        metrics.load(true, s.sizeBytes());
        if (nearCache != null) {
            s = s.cacheable();
            nearCache.put(s);
        }
        return s;
    }

    /** Forgets what the near cache holds of session {@code id}. */
    void forget(String id) {
        if (nearCache != null) {
            nearCache.invalidate(id);
        }
    }

    /**
     * After a save: keeps {@code whole}, the state the save left, when this node knows it whole
     * (nothing else was written since it read the session), and returns the copy kept; null:
     * forgets the session.
     */
    StoredSession afterSave(String id, StoredSession whole) {
        if (nearCache == null) {
            return null;
        }
        if (whole == null) {
            nearCache.invalidate(id);
            return null;
        }
        StoredSession kept = whole.cacheable();
        nearCache.put(kept);
        return kept;
    }

    /**
     * Saves in one round trip; see {@link SaveResult} and {@link #write}.
     *
     * @throws SaveNotReplicatedException when the master applied the save but too few replicas
     *         acknowledged it in time ({@code saveReplicas})
     * @throws SessionStoreException when Redis cannot be used, or (UNAVAILABLE) when the save reached
     *         Redis after this node had stopped waiting for it: then it was not applied
     */
    public SaveResult save(SessionUpdate update) {
        SaveOutcome outcome = write(update, null);
        if (outcome.notReplicated() != null) {
            throw outcome.notReplicated();
        }
        return outcome.result();
    }

    /**
     * What a save did: its result and, when saved, the values it stored (Redis's clock for expiry)
     * and Redis's clock as its reply showed it; and, when it was saved but fewer than
     * {@code saveReplicas} replicas acknowledged it in time, the failure to throw once the caller
     * has taken note that the master has it.
     */
    record SaveOutcome(SaveResult result, long version, long expiryMillis, long accessedMillis,
                       long clockOffsetMillis, RedisClockReading clockReading,
                       SaveNotReplicatedException notReplicated) {
    }

    /** Metadata the save script writes itself (expiry on Redis's clock, never moving back). */
    private static final Set<String> SCRIPT_WRITES = Set.of(Fields.ACCESSED, Fields.EXPIRY, Fields.MAX_INACTIVE);

    /** ARGV index (0-based) of the save script's deadline, filled in when the save is sent. */
    private static final int DEADLINE_ARG = 6;
    private static final byte[] NO_DEADLINE = new byte[0];

    /**
     * Saves in one round trip. The save is applied only if Redis runs it no later than the moment
     * this node stops waiting for its reply (docs/wire-format.md, "A save that comes too late"):
     * that moment, a reading of this node's monotonic clock, is turned into Redis's clock through
     * {@code reference} (Redis's TIME in the last reply this node had about the session: its load or
     * previous save), or else through the last reply of this store about any session. Without any
     * (the store's first call is this save) the save has no such limit.
     *
     * <p>With {@code saveReplicas} set, {@code WAIT} follows the script on the same connection in the
     * same round trip; a save that fewer replicas acknowledged in time is counted as
     * {@code unreplicatedSaves} and its outcome carries the failure.
     *
     * @throws SessionStoreException (UNAVAILABLE, counted as {@code lateSaves}) when Redis refused the
     *         save because it came too late: nothing of it was written
     */
    SaveOutcome write(SessionUpdate update, RedisClockReading reference) {
        return write(update, reference, null, 0, false);
    }

    /**
     * {@link #write(SessionUpdate, RedisClockReading)} for a request that holds the session's lock
     * (lockingMode): the save is refused ({@link SaveResult#LOCK_LOST}) when the lock is not the
     * request's any more and another request holds it or changed the session since
     * {@code readVersion}; with {@code release}, the same script releases the lock and wakes the
     * requests that wait for it.
     */
    SaveOutcome write(SessionUpdate update, RedisClockReading reference, SessionLock lock, long readVersion,
                      boolean release) {
        String id = update.id();
        String what = "save session " + SessionIds.fingerprint(id);
        long now = clock.millis();
        List<byte[]> args = new ArrayList<>(10 + 2 * update.fields().size() + update.removedFields().size());
        args.add(bytes(update.isCreate() ? "c" : "u"));
        args.add(bytes(id));
        args.add(bytes(Long.toString(update.accessedMillis())));
        args.add(bytes(Integer.toString(update.maxInactiveSeconds())));
        args.add(bytes(update.expiryMillis() > 0 ? Long.toString(update.expiryMillis() - now) : ""));
        args.add(bytes(Long.toString(graceMillis)));
        args.add(NO_DEADLINE); // DEADLINE_ARG: set when sent
        Map<String, byte[]> fields = new LinkedHashMap<>(update.fields());
        fields.keySet().removeAll(SCRIPT_WRITES);
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
        args.add(bytes(Integer.toString(update.resigned().size())));
        for (SessionUpdate.Resigned r : update.resigned()) {
            args.add(bytes(r.field()));
            args.add(r.loaded());
            args.add(r.replacement());
            size += r.replacement().length;
        }
        List<byte[]> k;
        // a lock the request took stays its fence after its lease ran out (LOST): the save then
        // goes through only if nobody took the lock or wrote the session since
        boolean locked = lock != null && lock.fencesSaves() && !update.isCreate();
        if (locked) {
            args.add(bytes(lock.token()));
            args.add(bytes(Long.toString(readVersion)));
            args.add(bytes(release ? "1" : "0"));
            args.add(bytes(keys.wakeUpChannel()));
            args.add(bytes(lock.tag()));
            k = List.of(bytes(keys.sessionKey(id)), bytes(keys.indexKeyFor(id)), bytes(lock.key()));
        } else {
            k = List.of(bytes(keys.sessionKey(id)), bytes(keys.indexKeyFor(id)));
        }
        RedisClockReading ref = reference != null ? reference : lastClockReading;
        PipelinedWrite.Replies replies = writeScript(what, SAVE, k, args, giveUpNanos ->
                ref == null ? NO_DEADLINE : bytes(Long.toString(ref.redisMillisAt(giveUpNanos))));
        Object result = replies.reply();
        if (result instanceof List<?> written && written.size() == 4) {
            metrics.save(size);
            if (locked && release) {
                lock.done();
            }
            RedisClockReading reading = new RedisClockReading((Long) written.get(3), replies.receivedNanos());
            lastClockReading = reading;
            return new SaveOutcome(SaveResult.SAVED, (Long) written.get(0), (Long) written.get(1),
                    (Long) written.get(2), (Long) written.get(3) - now, reading, replication(what, replies));
        }
        long code = result instanceof Long l ? l : -1;
        if (code == -4) {
            metrics.lateSave();
            SessionStoreException late = new SessionStoreException("redis-sessions: " + what + " reached Redis at "
                    + connector.uri().masked() + " after this node had stopped waiting for its reply; Redis did not "
                    + "apply it (a save is applied only in time: see docs/wire-format.md)");
            metrics.redisError(late.kind());
            forget(id);
            throw late;
        }
        metrics.saveConflict();
        forget(id);
        SaveResult r = switch ((int) code) {
            case -2 -> SaveResult.EXPIRED;
            case -3 -> SaveResult.ID_TAKEN;
            case -5 -> SaveResult.LOCK_LOST;
            default -> SaveResult.GONE;
        };
        if (r == SaveResult.LOCK_LOST) {
            lock.lost();
            metrics.lockLost();
        }
        return new SaveOutcome(r, 0, 0, 0, 0, null, null);
    }

    /** Null when the save needs no replicas or had enough; else the failure, counted. */
    private SaveNotReplicatedException replication(String what, PipelinedWrite.Replies replies) {
        if (saveReplicas == 0 || (replies.waitFailure() == null && replies.replicasAcknowledged() >= saveReplicas)) {
            return null;
        }
        metrics.unreplicatedSave();
        long acknowledged = Math.max(0, replies.replicasAcknowledged());
        String why = replies.waitFailure() != null ? "WAIT failed: " + replies.waitFailure().getMessage()
                : acknowledged + " of saveReplicas=" + saveReplicas + " replicas acknowledged it within "
                        + "saveReplicasTimeoutMillis=" + saveReplicasTimeoutMillis;
        return new SaveNotReplicatedException("redis-sessions: " + what + " was applied on the master at "
                + connector.uri().masked() + " but is not known to be on enough replicas (" + why
                + "); a failover may lose it", saveReplicas, acknowledged, replies.waitFailure());
    }

    /** Deletes a session, its index entry and any claim on it. Returns whether it existed. One round trip. */
    public boolean delete(String id) {
        int shard = SessionKeys.shardOf(id);
        List<byte[]> k = List.of(bytes(keys.sessionKey(id)), bytes(keys.indexKey(shard)), bytes(keys.claimedKey(shard)));
        forget(id);
        Object r = script("delete session " + SessionIds.fingerprint(id), DELETE, k, List.of(bytes(id)));
        metrics.delete();
        return r instanceof Long l && l > 0;
    }

    /** Whether a session exists and has not expired by Redis's clock. One round trip. */
    public boolean exists(String id) {
        Object r = readScript("check session " + SessionIds.fingerprint(id), EXISTS, List.of(bytes(keys.sessionKey(id))), List.of());
        return r instanceof Long l && l == 1;
    }

    /**
     * Gives a session a new id, keeping its data, TTL and expiry: one atomic script, on every
     * topology. The new id must be in the old id's shard (make it with
     * {@link IdsInShard#generate}), so that both keys share one Cluster slot. With a signing key
     * the script also needs the session's binding id, so the session is loaded first (one more
     * round trip); {@link #changeId(SessionState, String)} does without.
     *
     * @return true if renamed; false if the old session does not exist or has expired
     * @throws IllegalArgumentException if the new id is in another shard
     * @throws SessionStoreException if the new id is taken
     */
    public boolean changeId(String oldId, String newId) {
        requireSameShard(oldId, newId);
        if (!codec.signatures().enabled()) {
            return rename(oldId, newId, List.of());
        }
        // the new binding MAC needs the session's binding id as stored: one more round trip
        SessionState state = openIncludingExpired(oldId);
        return state != null && changeId(state, newId);
    }

    /**
     * Gives the session {@code state} was loaded as a new id, like {@link #changeId(String, String)},
     * in one round trip also with a signing key: the script binds the new id to the binding id the
     * session's fields are signed with ({@code #bid}, {@code #bmac}), if {@code #bid} is still as
     * {@code state} loaded it. The fields themselves keep their signatures.
     *
     * @return true if renamed; false if the session does not exist, has expired, or its {@code #bid}
     *         changed since {@code state} was loaded
     */
    public boolean changeId(SessionState state, String newId) {
        String oldId = state.id();
        requireSameShard(oldId, newId);
        if (!codec.signatures().enabled()) {
            return rename(oldId, newId, List.of());
        }
        String bindingId = state.bindingId();
        String loaded = state.loadedBindingField();
        String mac = codec.signatures().bindingMac(keys.prefix(), keys.namespace(), newId, bindingId);
        return rename(oldId, newId, List.of(bytes(loaded == null ? "" : loaded), bytes(bindingId), bytes(mac)));
    }

    private static void requireSameShard(String oldId, String newId) {
        int shard = SessionKeys.shardOf(oldId);
        if (SessionKeys.shardOf(newId) != shard) {
            throw new IllegalArgumentException("redis-sessions: cannot change a session id to an id of another shard ("
                    + SessionKeys.shardOf(newId) + " instead of " + shard + "): the new id must be in the old id's "
                    + "shard, so that the change is one atomic script; make it with IdsInShard.generate");
        }
    }

    private boolean rename(String oldId, String newId, List<byte[]> binding) {
        int shard = SessionKeys.shardOf(oldId);
        List<byte[]> k = List.of(bytes(keys.sessionKey(oldId)), bytes(keys.sessionKey(newId)), bytes(keys.indexKey(shard)));
        forget(oldId);
        forget(newId);
        List<byte[]> args = new ArrayList<>(List.of(bytes(oldId), bytes(newId)));
        args.addAll(binding);
        Object r = script("change the id of session " + SessionIds.fingerprint(oldId), RENAME, k, args);
        long code = r instanceof Long l ? l : 0;
        if (code == -3) {
            throw new SessionStoreException(SessionStoreException.Kind.REJECTED,
                    "redis-sessions: cannot change the session id: the new id is already taken", null);
        }
        if (code == -4) {
            log.warn("redis-sessions: the id of session " + SessionIds.fingerprint(oldId) + " was not changed: its "
                    + Fields.BINDING_ID + " changed since it was loaded (written by someone else than a node)");
        }
        return code == 1;
    }

    /**
     * Claims up to {@code max} sessions whose stored expiry has passed by Redis's clock, as leases
     * (see {@link Claim}): each expired session goes to one caller across all nodes at a time, and
     * comes back to the next pass when its claimer does not {@link #finishClaim finish} within
     * {@code expiryClaimLeaseSeconds}. Two round trips per shard that has candidates, one per
     * shard that has none.
     *
     * <p>A shard that fails costs the others nothing: the pass goes on, and shard failures are
     * logged. When every shard tried failed, the first failure is thrown (the others suppressed).
     */
    public List<Claim> claimExpired(int max) {
        return claimExpired(max, (shard, e) -> log.warn("redis-sessions: cannot claim expired sessions of shard "
                + shard + " of namespace '" + keys.namespace() + "' now, the next pass retries: " + e.getMessage()));
    }

    /**
     * Like {@link #claimExpired(int)}, reporting each failed shard to {@code onShardFailure}
     * (after the pass, and only when some shard answered) instead of logging it.
     */
    public List<Claim> claimExpired(int max, BiConsumer<Integer, SessionStoreException> onShardFailure) {
        // background work: never waits for a connection that a request is setting up
        List<Claim> claimed = connector.inBackground(() -> claimer.claim(max, onShardFailure));
        metrics.claimed(claimed.size());
        return claimed;
    }

    /**
     * Ends a claim after its listeners ran: deletes the session if it is still expired by Redis's
     * clock and unchanged since it was claimed (its {@code #v}); otherwise the session goes back
     * to the expiry index (it was revived or changed meanwhile). Removes the lease either way.
     * One round trip.
     *
     * @return whether the session was deleted
     */
    public boolean finishClaim(Claim claim) {
        String id = claim.id();
        int shard = SessionKeys.shardOf(id);
        List<byte[]> k = List.of(bytes(keys.sessionKey(id)), bytes(keys.indexKey(shard)), bytes(keys.claimedKey(shard)));
        forget(id);
        Object r = script("finish the claim of session " + SessionIds.fingerprint(id), FINISH, k, List.of(bytes(id), bytes(Long.toString(claim.version()))));
        metrics.delete();
        return r instanceof Long l && l == 1;
    }

    /**
     * Deletes, without listeners, up to {@code max} sessions listed in the expiry index whose stored
     * expiry (Redis's clock) is at or before {@code cutoffMillis}, and their index entries: a sweep
     * for sessions that expired long ago and were never claimed. A claimed session is not touched.
     * One round trip per shard, and one per session deleted.
     *
     * @return how many index entries were removed
     */
    public int dropExpiredBefore(long cutoffMillis, int max) {
        return connector.inBackground(() -> dropExpired(cutoffMillis, max));
    }

    private int dropExpired(long cutoffMillis, int max) {
        int dropped = 0;
        for (int shard = 0; shard < SessionKeys.SHARDS && dropped < max; shard++) {
            String index = keys.indexKey(shard);
            int limit = max - dropped;
            List<String> ids = read("sweep the expiry index", j -> j.zrangeByScore(index, "-inf",
                    Long.toString(cutoffMillis), 0, limit));
            for (String id : ids) {
                delete(id);
                dropped++;
            }
        }
        return dropped;
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
    Object script(String what, LuaScript script, List<byte[]> keyArgs, List<byte[]> args) {
        try {
            return call(what, j -> j.evalsha(script.sha1(), keyArgs, args));
        } catch (JedisNoScriptException e) {
            return call(what, j -> j.eval(script.source(), keyArgs, args));
        }
    }

    /**
     * Runs a writing script as a {@link PipelinedWrite}: its argument {@link #DEADLINE_ARG} is
     * {@code deadline} of the moment (nanoTime) after which this node no longer waits for the
     * reply, computed when the script is sent; WAIT follows it when saves wait for replicas.
     * EVALSHA, and on NOSCRIPT the script itself (EVAL) in a second round trip. Never retried
     * otherwise: a write is not repeated.
     */
    private PipelinedWrite.Replies writeScript(String what, LuaScript script, List<byte[]> keyArgs, List<byte[]> args,
                                               java.util.function.LongFunction<byte[]> deadline) {
        try {
            return call(what, j -> j.executeCommand(scriptWrite(Protocol.Command.EVALSHA, script.sha1(),
                    keyArgs, args, deadline)));
        } catch (JedisNoScriptException e) {
            return call(what, j -> j.executeCommand(scriptWrite(Protocol.Command.EVAL, script.source(),
                    keyArgs, args, deadline)));
        }
    }

    private PipelinedWrite scriptWrite(Protocol.Command command, byte[] script, List<byte[]> keyArgs,
                                              List<byte[]> args, java.util.function.LongFunction<byte[]> deadline) {
        PipelinedWrite write = PipelinedWrite.of(giveUpNanos -> {
            CommandArguments a = new CommandArguments(command).add(script).add(keyArgs.size()).keys(keyArgs);
            for (int i = 0; i < args.size(); i++) {
                a.add(i == DEADLINE_ARG ? deadline.apply(giveUpNanos) : args.get(i));
            }
            return a;
        });
        return saveReplicas > 0 ? write.waitingForReplicas(saveReplicas, saveReplicasTimeoutMillis) : write;
    }

    /**
     * A script that only reads (load, exists, claim candidates): like {@link #script}, and tried
     * once more on a fresh connection when the connection broke, as {@link #read} does.
     */
    Object readScript(String what, LuaScript script, List<byte[]> keyArgs, List<byte[]> args) {
        if (readOnlyScripts) {
            try {
                try {
                    return read(what, j -> j.evalshaReadonly(script.sha1(), keyArgs, args));
                } catch (JedisNoScriptException e) {
                    return read(what, j -> j.evalReadonly(script.source(), keyArgs, args));
                }
            } catch (SessionStoreException e) {
                if (!isUnknownReadOnlyCommand(e)) {
                    throw e;
                }
                readOnlyScripts = false; // Redis before 7.0: plain EVALSHA from now on
                log.info("redis-sessions: Redis at " + connector.uri().masked() + " has no EVALSHA_RO (before 7.0); "
                        + "read-only scripts run with EVALSHA");
            }
        }
        try {
            return read(what, j -> j.evalsha(script.sha1(), keyArgs, args));
        } catch (JedisNoScriptException e) {
            return read(what, j -> j.eval(script.source(), keyArgs, args));
        }
    }

    private static boolean isUnknownReadOnlyCommand(SessionStoreException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof redis.clients.jedis.exceptions.JedisDataException && m != null
                    && m.startsWith("ERR unknown command") && m.toLowerCase(java.util.Locale.ROOT).contains("_ro")) {
                return true;
            }
        }
        return false;
    }

    /** One round trip, timed and counted; Redis failures become {@link SessionStoreException}. */
    <T> T call(String what, Function<UnifiedJedis, T> op) {
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
            SessionStoreException failure = RedisFailures.wrap(what, connector.uri().masked(), e);
            metrics.redisError(failure.kind());
            throw failure;
        } catch (SessionStoreException e) {
            metrics.redisError(e.kind());
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
        if (nearCache != null) {
            nearCache.clear();
        }
        connector.close();
    }
}
