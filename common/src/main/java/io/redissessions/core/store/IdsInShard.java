package io.redissessions.core.store;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * New session ids in a given shard, for an id change: {@link RedisSessionStore#changeId} renames a
 * session atomically in one script, which requires the new id in the old id's shard (the shard is
 * part of the key's Cluster hash tag). A random id generator lands in a given shard once in
 * {@value SessionKeys#SHARDS} tries on average, so drawing until it does costs about 16 ids.
 */
public final class IdsInShard {

    /** Draws before giving up; a random generator fails that often with probability (15/16)^1024. */
    public static final int MAX_ATTEMPTS = 1024;

    private IdsInShard() {
    }

    /**
     * Draws ids from {@code generator} until one is in {@code shard}.
     *
     * @throws IllegalStateException when {@value #MAX_ATTEMPTS} draws miss: the generator does
     *         not make random ids
     */
    public static String generate(Supplier<String> generator, int shard) {
        return generate(generator, Function.identity(), shard);
    }

    /**
     * Like {@link #generate(Supplier, int)} for generators whose ids carry more than what is
     * stored, such as a node suffix ({@code <id>.<route>}): {@code storedId} gives the id the
     * session is stored under, whose shard counts. Returns the generated id, as generated.
     */
    public static String generate(Supplier<String> generator, Function<String, String> storedId, int shard) {
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(storedId, "storedId");
        if (shard < 0 || shard >= SessionKeys.SHARDS) {
            throw new IllegalArgumentException("shard " + shard + " is not between 0 and " + (SessionKeys.SHARDS - 1));
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String id = generator.get();
            if (SessionKeys.shardOf(storedId.apply(id)) == shard) {
                return id;
            }
        }
        throw new IllegalStateException("redis-sessions: the session id generator made no id in shard " + shard
                + " in " + MAX_ATTEMPTS + " tries (a random generator needs about " + SessionKeys.SHARDS
                + "): it does not make random ids");
    }
}
