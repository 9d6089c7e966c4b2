package io.redissessions.core.store;

import io.redissessions.core.SessionStoreException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The claim pass of {@link RedisSessionStore#claimExpired}: per shard, a read of the candidates
 * (due index entries, lapsed leases), then one script that declares the index, the claimed set
 * and every candidate's session key, and leases the ones still expired by Redis's clock. Each
 * shard is tried on its own; passes start at a rotating shard so that no shard waits behind
 * another's backlog or failure.
 */
final class ExpiryClaimer {

    private static final LuaScript CANDIDATES = LuaScript.load("candidates.lua");
    private static final LuaScript CLAIM = LuaScript.load("claim.lua");

    private final RedisSessionStore store;
    private final SessionKeys keys;
    private final byte[] leaseMillis;
    private final AtomicInteger nextShard = new AtomicInteger();

    ExpiryClaimer(RedisSessionStore store, long leaseMillis) {
        this.store = store;
        this.keys = store.keys();
        this.leaseMillis = RedisSessionStore.bytes(Long.toString(leaseMillis));
    }

    List<Claim> claim(int max, BiConsumer<Integer, SessionStoreException> onShardFailure) {
        List<Claim> claimed = new ArrayList<>();
        Map<Integer, SessionStoreException> failures = new LinkedHashMap<>();
        boolean answered = false;
        int first = Math.floorMod(nextShard.getAndIncrement(), SessionKeys.SHARDS);
        for (int i = 0; i < SessionKeys.SHARDS && claimed.size() < max; i++) {
            int shard = (first + i) % SessionKeys.SHARDS;
            try {
                claimed.addAll(claimShard(shard, max - claimed.size()));
                answered = true;
            } catch (SessionStoreException e) {
                failures.put(shard, e);
            }
        }
        if (!answered && !failures.isEmpty()) {
            Iterator<SessionStoreException> it = failures.values().iterator();
            SessionStoreException firstFailure = it.next();
            it.forEachRemaining(firstFailure::addSuppressed);
            throw firstFailure;
        }
        failures.forEach(onShardFailure);
        return claimed;
    }

    private List<Claim> claimShard(int shard, int max) {
        String what = "claim expired sessions of shard " + shard;
        List<byte[]> sets = List.of(RedisSessionStore.bytes(keys.indexKey(shard)),
                RedisSessionStore.bytes(keys.claimedKey(shard)));
        Object found = store.readScript(what, CANDIDATES, sets, List.of(RedisSessionStore.bytes(Integer.toString(max))));
        Set<String> ids = new LinkedHashSet<>();
        if (found instanceof List<?> list) {
            for (Object id : list) {
                ids.add(text(id));
            }
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        List<byte[]> k = new ArrayList<>(sets.size() + ids.size());
        k.addAll(sets);
        List<byte[]> args = new ArrayList<>(1 + ids.size());
        args.add(leaseMillis);
        for (String id : ids) {
            // the key in this shard's hash tag, whatever the id: an id listed in the wrong shard
            // finds no session here and is dropped, instead of breaking the script's one slot
            k.add(RedisSessionStore.bytes(keys.sessionKeyPrefix(shard) + id));
            args.add(RedisSessionStore.bytes(id));
        }
        Object r = store.script(what, CLAIM, k, args);
        List<Claim> claimed = new ArrayList<>();
        if (r instanceof List<?> reply && !reply.isEmpty() && reply.get(0) instanceof Long deadline) {
            for (int i = 1; i + 1 < reply.size(); i += 2) {
                claimed.add(new Claim(text(reply.get(i)), StoredSession.parseLong(text(reply.get(i + 1))), deadline));
            }
        }
        return claimed;
    }

    private static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }
}
