package io.redissessions.jetty;

import io.redissessions.core.SessionIds;
import io.redissessions.core.session.SessionService;
import io.redissessions.core.store.SessionState;
import org.eclipse.jetty.session.SessionData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Jetty's {@link SessionData} over the shared {@link SessionState}, which holds the policy: lazy
 * decoding with the webapp's class loader, encoding at {@code setAttribute}, writing only what
 * changed (attributes set, removed or changed in place), touch throttling, undecodable values
 * treated as absent. This class only translates Jetty's model onto it.
 *
 * <p>Jetty's metadata lives in {@code SessionData}'s own fields and is handed to the state before
 * each save: the access time, the max inactive interval ({@code #maxInactive} in whole seconds;
 * a sub-second interval also as the extra {@code #x:jetty.maxInactiveMs}), Jetty's explicit
 * expiry, and the container extras {@code #x:jetty.cookieSet} and {@code #x:jetty.lastAccessed}
 * (written with a save that happens anyway, never a reason to write: a read on another node
 * writes nothing). Jetty's {@code lastSaved} is not stored: a loaded session was last saved when it was last
 * accessed, as far as its {@code #accessed} tells.
 *
 * <p>Jetty's container login state (what its authenticators put in the session) is kept as
 * extras, not attributes: see {@link LoginExtras}.
 */
public class RedisSessionData extends SessionData {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionData.class);

    static final String X_LAST_ACCESSED = "jetty.lastAccessed";
    static final String X_COOKIE_SET = "jetty.cookieSet";
    /** Written by earlier versions; ignored. */
    static final String X_LAST_SAVED = "jetty.lastSaved";
    static final String X_MAX_INACTIVE_MS = "jetty.maxInactiveMs";

    private final transient SessionService service;
    private final transient ClassLoader loader;
    private final transient LoginExtras login;
    private transient SessionState state;
    /** Login attributes made from the extras, or set, in this object's life. */
    private final transient Map<String, Object> loginValues = new HashMap<>();
    /** Attributes kept in this object only, never stored (SPNEGO identity holders). */
    private final transient Map<String, Object> nodeLocal = new HashMap<>();
    /** The next save writes the whole session as new (kept node-locally while Redis was down). */
    private boolean createRequired;
    /** Redis refused a save because the session is gone (deleted or expired meanwhile) or its id is taken. */
    private boolean gone;
    /** An attribute value was read or written in this object's life: it may have changed in place. */
    private boolean valuesHeld;
    /** The save being made is its request's last under the session's lock (lockingMode): it releases the lock. */
    private boolean releaseLockWithSave;

    /** A new session, not stored until its first save. */
    RedisSessionData(SessionService service, String id, String contextPath, String vhost, long created, long accessed,
                     long lastAccessed, long maxInactiveMs, ClassLoader loader, LoginExtras login) {
        this(service, service.create(id, created, accessed, seconds(maxInactiveMs)), contextPath, vhost, lastAccessed,
                maxInactiveMs, loader, login);
    }

    private RedisSessionData(SessionService service, SessionState state, String contextPath, String vhost,
                             long lastAccessed, long maxInactiveMs, ClassLoader loader, LoginExtras login) {
        super(state.id(), contextPath, vhost, state.createdMillis(), state.accessedMillis(), lastAccessed, maxInactiveMs);
        this.service = Objects.requireNonNull(service, "service");
        this.state = state;
        this.loader = loader;
        this.login = Objects.requireNonNull(login, "login");
    }

    /** Jetty's view of a session loaded from Redis; nothing is decoded yet. */
    static RedisSessionData loaded(SessionService service, SessionState state, String contextPath, String vhost,
                                   ClassLoader loader, LoginExtras login) {
        long maxInactiveMs = state.maxInactiveSeconds() <= 0 ? -1 : state.maxInactiveSeconds() * 1000L;
        long exactMs = parse(state.extra(X_MAX_INACTIVE_MS), 0);
        // a sub-second interval is kept as an extra; it applies only while #maxInactive agrees with it
        if (exactMs > 0 && seconds(exactMs) == state.maxInactiveSeconds()) {
            maxInactiveMs = exactMs;
        }
        long accessed = state.accessedMillis();
        RedisSessionData d = new RedisSessionData(service, state, contextPath, vhost,
                parse(state.extra(X_LAST_ACCESSED), accessed), maxInactiveMs, loader, login);
        d.setExpiry(state.localExpiryMillis());
        d.setCookieSet(parse(state.extra(X_COOKIE_SET), 0));
        // Jetty takes lastSaved <= 0 for "new": a stored session was saved, at its last stored access at the latest
        d.setLastSaved(Math.max(1, Math.max(accessed, state.createdMillis())));
        d.clean();
        return d;
    }

    /** Jetty's interval in whole seconds, rounded up: {@code #maxInactive}. */
    static int seconds(long maxInactiveMs) {
        return maxInactiveMs <= 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (maxInactiveMs + 999) / 1000);
    }

    private static long parse(String text, long dflt) {
        if (text == null) {
            return dflt;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** Whether this object belongs to {@code service} (a store that was not restarted since). */
    boolean belongsTo(SessionService service) {
        return this.service == service;
    }

    // ------------------------------------------------------------------ attributes: SessionState's

    @Override
    public synchronized Object getAttribute(String name) {
        if (LoginExtras.isNodeLocal(name)) {
            return nodeLocal.get(name);
        }
        if (login.isPresent(name, state::extra)) {
            return loginAttribute(name);
        }
        Object value = state.getAttribute(name, loader);
        valuesHeld |= value != null;
        return value;
    }

    @Override
    public synchronized Set<String> getKeys() {
        Set<String> names = new LinkedHashSet<>(state.attributeNames());
        for (String name : List.of(LoginExtras.AUTHENTICATED, LoginExtras.FORM_URI, LoginExtras.FORM_METHOD,
                LoginExtras.FORM_POST)) {
            if (login.isPresent(name, state::extra)) {
                names.add(name);
            }
        }
        names.addAll(nodeLocal.keySet());
        return Collections.unmodifiableSet(names);
    }

    /**
     * Sets or (with null) removes an attribute and returns the previous value, decoding it if needed
     * (Jetty's listeners tell "added" from "replaced" by it). Jetty's login state goes to extras
     * ({@link LoginExtras}).
     *
     * @throws IllegalArgumentException when the value cannot be stored (the codec's message names
     *         the attribute, its class and the setting to change); nothing changes then
     */
    @Override
    public synchronized Object setAttribute(String name, Object value) {
        valuesHeld = true;
        if (LoginExtras.isNodeLocal(name)) {
            return value == null ? nodeLocal.remove(name) : nodeLocal.put(name, value);
        }
        if (login.handles(name)) {
            Map<String, String> extras = value == null ? null : login.encode(name, value);
            if (value == null || extras != null) {
                Object old = getAttribute(name);
                for (String extra : LoginExtras.extrasOf(name)) {
                    state.setExtra(extra, extras == null ? null : extras.get(extra));
                }
                state.removeAttribute(name); // an attribute stored under this name by an earlier version
                loginValues.remove(name);
                if (value != null) {
                    loginValues.put(name, value);
                }
                setDirty(name);
                return old;
            }
            // not a kind Jetty's authenticators store here: an attribute like any other
            for (String extra : LoginExtras.extrasOf(name)) {
                state.setExtra(extra, null);
            }
            loginValues.remove(name);
        }
        Object old = state.getAttribute(name, loader);
        state.setAttribute(name, value, loader);
        if (value != null || old != null) {
            setDirty(name);
        }
        return old;
    }

    /** A login attribute made again from its extras; null (logged, counted) when they cannot be read. */
    private Object loginAttribute(String name) {
        Object value = loginValues.get(name);
        if (value != null) {
            return value;
        }
        try {
            value = login.decode(name, state::extra);
        } catch (IllegalArgumentException e) {
            service.metrics().decodeFailure();
            LOG.warn("redis-sessions: the login state '{}' of session {} cannot be read and is treated as absent: {}",
                    name, SessionIds.fingerprint(getId()), e.getMessage());
            return null;
        }
        if (value != null) {
            loginValues.put(name, value);
        }
        return value;
    }

    @Override
    public synchronized void putAllAttributes(Map<String, Object> attributes) {
        attributes.forEach(this::setAttribute);
    }

    @Override
    public synchronized void clearAllAttributes() {
        for (String name : getKeys()) {
            setAttribute(name, null);
        }
    }

    @Override
    public synchronized Map<String, Object> getAllAttributes() {
        Map<String, Object> all = new LinkedHashMap<>(state.attributes(loader));
        valuesHeld |= !all.isEmpty();
        for (String name : getKeys()) {
            if (!all.containsKey(name)) {
                Object value = getAttribute(name);
                if (value != null) {
                    all.put(name, value);
                }
            }
        }
        return Collections.unmodifiableMap(all);
    }

    /**
     * Jetty gives a session a new id (renewSessionId) by storing it as new under that id: the state
     * becomes a new session of that id with the same attributes.
     */
    @Override
    public synchronized void setId(String id) {
        super.setId(id);
        if (state != null && !state.id().equals(id)) {
            state = recreated(id);
        }
    }

    /**
     * Goes on under a new id, with everything loaded and changed so far: after the store renamed
     * the session, or for a session never stored (its first save creates it under the new id).
     */
    /** The state as loaded and changed so far: for an id change, which binds the new id to it. */
    synchronized SessionState storedState() {
        return state;
    }

    synchronized void renamedTo(String newId) {
        state = state.withId(newId);
        super.setId(newId);
    }

    // ------------------------------------------------------------------ saving

    /**
     * The state to save, with Jetty's metadata handed over. {@code create}: Jetty says this session
     * is not stored under its id yet (never saved, a new id, or kept node-locally during an outage).
     */
    synchronized SessionState prepareSave(boolean create) {
        if (create && !state.isNew()) {
            state = recreated(getId());
        } else if (!create && state.isNew()) {
            state.markStored();
        }
        long maxInactiveMs = getMaxInactiveMs();
        state.access(getAccessed());
        state.setMaxInactiveSeconds(seconds(maxInactiveMs));
        state.setExtra(X_MAX_INACTIVE_MS, maxInactiveMs > 0 && maxInactiveMs % 1000 != 0
                ? Long.toString(maxInactiveMs) : null);
        state.setContainerExpiryMillis(getExpiry());
        return state;
    }

    /**
     * Jetty's previous access time (it changes at every request) and the time its cookie was last
     * set (it changes whenever a request reaches a node other than the one named in the cookie's
     * suffix, and Jetty sets the cookie again): written with a save that happens anyway, never a
     * reason to write. A node that loads an older cookie time may set the cookie once more than
     * Jetty's {@code refreshCookieAge} asks.
     */
    synchronized void addWrittenAlong() {
        state.setExtra(X_LAST_ACCESSED, Long.toString(getLastAccessed()));
        state.setExtra(X_COOKIE_SET, Long.toString(getCookieSet()));
    }

    /** Whether the save being made releases the session's lock (lockingMode) in its round trip. */
    synchronized boolean releasesLockWithSave() {
        return releaseLockWithSave;
    }

    /** Says whether the next save is its request's last under the session's lock (lockingMode). */
    synchronized void releaseLockWithSave(boolean release) {
        releaseLockWithSave = release;
    }

    /** A save succeeded. */
    synchronized void saved() {
        createRequired = false;
    }

    /**
     * Redis refused a save because another node deleted the session, it expired, or (new) its id is
     * taken: this object is not saved again (it would be refused again, one round trip each time).
     */
    synchronized void gone() {
        gone = true;
    }

    synchronized boolean isGone() {
        return gone;
    }

    /** The next save writes the whole session as new (it was kept node-locally while Redis was down). */
    synchronized void requireCreate() {
        createRequired = true;
    }

    synchronized boolean isCreateRequired() {
        return createRequired;
    }

    /** Never stored under its id: nobody but this node knows it. */
    synchronized boolean isUnsaved() {
        return state.isNew() && getLastSaved() <= 0;
    }

    /** Whether an attribute value was read or written in this object's life (one may have changed in place). */
    synchronized boolean mayHaveChanged() {
        return valuesHeld;
    }

    /** A new state of {@code id} holding this session's attributes (those that can be read and stored). */
    private SessionState recreated(String id) {
        SessionState fresh = service.create(id, state.createdMillis(), getAccessed(), seconds(getMaxInactiveMs()));
        fresh.adoptLock(state); // a request that holds the session's lock (lockingMode) keeps it, and releases it at its end
        for (String extra : LoginExtras.EXTRAS) {
            fresh.setExtra(extra, state.extra(extra));
        }
        for (Map.Entry<String, Object> a : state.attributes(loader).entrySet()) {
            try {
                fresh.setAttribute(a.getKey(), a.getValue());
            } catch (IllegalArgumentException e) {
                LOG.warn("redis-sessions: attribute '{}' of session {} was changed into something that cannot be stored; "
                        + "it is left out: {}", a.getKey(), SessionIds.fingerprint(id), e.getMessage());
            }
        }
        return fresh;
    }
}
