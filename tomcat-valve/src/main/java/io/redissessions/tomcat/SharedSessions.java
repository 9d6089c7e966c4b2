package io.redissessions.tomcat;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The sessions that requests on this node are using right now, one object per session, as
 * Tomcat's own manager keeps them: concurrent requests of one session share one
 * {@link RedisSession}, so {@code synchronized (session)} (Spring's session mutex too) protects a
 * read-modify-write, and a request sees what a concurrent one changed.
 *
 * <ul>
 *   <li>{@link #acquire}: the first request to ask for a session loads it (one round trip) while
 *       requests that ask meanwhile wait for that load and get the same object (or the same
 *       failure). Each acquisition counts one user.</li>
 *   <li>Each request saves the session when it ends (as before), and only then
 *       {@link #release releases} it; the last user's release forgets the object. A request that
 *       arrives before that release gets the same object; one that arrives after it loads from
 *       Redis, after the last save completed. So no request works on a copy that misses a save
 *       of this node.</li>
 *   <li>Nothing is kept between requests: a session nobody uses is read from Redis again by the
 *       next request, so changes made by other nodes are seen.</li>
 * </ul>
 *
 * Keys are cluster ids (without node suffix). Thread-safe; the lock is held for map updates only,
 * never during a Redis call.
 */
final class SharedSessions {

    private static final class Entry {
        final CompletableFuture<RedisSession> loaded = new CompletableFuture<>();
        String key;
        int users;
    }

    private final Map<String, Entry> byKey = new HashMap<>();
    private final Map<RedisSession, Entry> bySession = new IdentityHashMap<>();

    /**
     * The object of session {@code key} for one more request: the one other requests on this
     * node are using, else what {@code loader} loads (on this thread). Null when there is no such
     * session. The caller {@link #release releases} a non-null answer when its request ends.
     *
     * @throws RuntimeException what the loader threw, also to requests that waited for that load
     */
    RedisSession acquire(String key, Supplier<RedisSession> loader) {
        Entry entry;
        boolean loadHere = false;
        synchronized (this) {
            entry = byKey.get(key);
            if (entry == null) {
                entry = new Entry();
                entry.key = key;
                byKey.put(key, entry);
                loadHere = true;
            }
            entry.users++;
        }
        if (loadHere) {
            return load(entry, loader);
        }
        try {
            return entry.loaded.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private RedisSession load(Entry entry, Supplier<RedisSession> loader) {
        RedisSession session;
        try {
            session = loader.get();
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                byKey.remove(entry.key, entry);
            }
            entry.loaded.completeExceptionally(e);
            throw e;
        }
        synchronized (this) {
            if (session == null) {
                byKey.remove(entry.key, entry);
            } else {
                bySession.put(session, entry);
            }
        }
        entry.loaded.complete(session);
        return session;
    }

    /** A session that a request created: it is shared from now on, with that request as its user. */
    synchronized void register(RedisSession session, String key) {
        Entry entry = new Entry();
        entry.key = key;
        entry.users = 1;
        entry.loaded.complete(session);
        byKey.put(key, entry); // an entry of the same id that is still in use keeps its own users
        bySession.put(session, entry);
    }

    /** A request that acquired or registered {@code session} has ended (after its save). */
    synchronized void release(RedisSession session) {
        Entry entry = bySession.get(session);
        if (entry == null) {
            return; // forgotten already (invalidated)
        }
        if (--entry.users <= 0) {
            bySession.remove(session);
            byKey.remove(entry.key, entry);
        }
    }

    /** The object requests on this node are using for {@code key}, or null; nothing is counted. */
    synchronized RedisSession inUse(String key) {
        Entry entry = byKey.get(key);
        return entry == null || !entry.loaded.isDone() || entry.loaded.isCompletedExceptionally() ? null
                : entry.loaded.getNow(null);
    }

    /** Forgets {@code session} now (it was invalidated): later requests ask Redis. */
    synchronized void forget(RedisSession session) {
        Entry entry = bySession.remove(session);
        if (entry != null) {
            byKey.remove(entry.key, entry);
        }
    }

    /** {@code session} has a new id: requests that present the new id share it too. */
    synchronized void rename(RedisSession session, String newKey) {
        Entry entry = bySession.get(session);
        if (entry == null) {
            return;
        }
        byKey.remove(entry.key, entry);
        entry.key = newKey;
        byKey.put(newKey, entry);
    }

    /** How many sessions requests are using now. */
    synchronized int size() {
        return bySession.size();
    }

    /** Forgets every session (the manager stops). */
    synchronized void clear() {
        byKey.clear();
        bySession.clear();
    }
}
