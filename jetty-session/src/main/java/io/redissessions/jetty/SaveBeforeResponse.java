package io.redissessions.jetty;

import io.redissessions.core.SessionStoreException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Saves a request's session while its response can still be changed, so that a save Redis cannot
 * take is answered by the failure mode (503, as a load that fails is) instead of a 200 whose
 * change is lost.
 *
 * <p>Jetty writes sessions when the response is committed: its session handler wraps the
 * request's {@link HttpStream} and calls {@link RedisSessionCache#commit} from
 * {@link HttpStream#send} when the response's status and headers go out, and swallows (logs) what
 * {@code commit} throws. This handler sits right inside the session handler, so the stream
 * wrapper it adds to each request sees that first {@code send} before Jetty's does: it saves the
 * session there, and when the store says the request must get the failure answer (Redis
 * unavailable with {@code failureMode=fail}, or this node out of pooled connections), it sends a
 * 503 with {@code Retry-After} instead of the application's response, whose content then goes
 * nowhere. Jetty's own commit that follows has nothing left to do for that session
 * ({@link #isSavingOnThisThread}), and when Jetty completes a request answered so, its session is
 * released without another save ({@link #answeredFailureOnThisThread}): the client was told that
 * the request failed, so its change must not reach Redis later (other requests of the session
 * that still run on this node save what the shared object holds when they end). What a request
 * changes after its response was committed is saved when it completes, as before; a failure then
 * can only be logged.
 *
 * <p>{@link RedisSessionCacheFactory} installs it into every session handler that is a
 * {@link Handler.Singleton} (ee10, ee11 and core); elsewhere the behaviour stays Jetty's.
 */
final class SaveBeforeResponse extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(SaveBeforeResponse.class);
    private static final byte[] FAILURE_BODY = "The session store is unavailable; please retry shortly.\n"
            .getBytes(StandardCharsets.UTF_8);
    /** The session a stream of this thread saved just now, while Jetty's commit of it runs. */
    private static final ThreadLocal<ManagedSession> SAVED = new ThreadLocal<>();
    /** The session whose save a stream of this thread answered with 503, while Jetty completes the request. */
    private static final ThreadLocal<ManagedSession> ANSWERED_FAILURE = new ThreadLocal<>();

    private final SessionManager manager;

    private SaveBeforeResponse(SessionManager manager) {
        this.manager = manager;
    }

    /**
     * Puts a {@code SaveBeforeResponse} between {@code manager} and the handler it calls, if
     * {@code manager} is a handler that calls one (once; before the manager's handlers start).
     */
    static void install(SessionManager manager) {
        if (!(manager instanceof Handler.Singleton sessions)) {
            LOG.debug("redis-sessions: {} is not a handler wrapper; sessions are saved when Jetty commits the response",
                    manager);
            return;
        }
        if (sessions.getHandler() instanceof SaveBeforeResponse) {
            return;
        }
        SaveBeforeResponse save = new SaveBeforeResponse(manager);
        Handler next = sessions.getHandler();
        sessions.setHandler(save);
        save.setHandler(next);
    }

    /** Whether {@code manager}'s requests pass a {@code SaveBeforeResponse} (installed by {@link #install}). */
    static boolean isInstalled(SessionManager manager) {
        return manager instanceof Handler.Singleton sessions && sessions.getHandler() instanceof SaveBeforeResponse;
    }

    /** Whether a stream of this thread has just saved {@code session} for its response (Jetty's commit follows). */
    static boolean isSavingOnThisThread(ManagedSession session) {
        return session != null && SAVED.get() == session;
    }

    /**
     * Whether the request that Jetty completes on this thread now was answered 503 because
     * {@code session} could not be saved: what it changed must not be saved after the fact (the
     * client was told the request failed).
     */
    static boolean answeredFailureOnThisThread(ManagedSession session) {
        return session != null && ANSWERED_FAILURE.get() == session;
    }

    /**
     * Runs the request with its session saved before the response; a request whose session's lock
     * (lockingMode) stayed held by others for lockWaitMillis is answered 503 without running.
     */
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        request.addHttpStreamWrapper(stream -> new Stream(stream, request));
        if (manager.getSessionCache() instanceof RedisSessionCache cache && cache.locksSessions()
                && manager.getManagedSession(request) instanceof UnavailableSession u && u.isLockTimeout()) {
            LOG.debug("redis-sessions: {} answered 503: {}", request.getHttpURI().getCanonicalPath(), u.cause().getMessage());
            response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(FAILURE_BODY), callback);
            return true;
        }
        return super.handle(request, response, callback);
    }

    private final class Stream extends HttpStream.Wrapper {
        private final Request request;
        /** The session whose save failed, once the failure answer went out: what the application still writes goes nowhere. */
        private volatile ManagedSession answeredFailure;

        Stream(HttpStream wrapped, Request request) {
            super(wrapped);
            this.request = request;
        }

        @Override
        public void send(MetaData.Request metaRequest, MetaData.Response metaResponse, boolean last, ByteBuffer content,
                         Callback callback) {
            if (answeredFailure != null) {
                callback.succeeded();
                return;
            }
            if (metaResponse == null || HttpStatus.isInformational(metaResponse.getStatus())) {
                super.send(metaRequest, metaResponse, last, content, callback);
                return;
            }
            ManagedSession session = manager.getManagedSession(request);
            SessionStoreException failure = save(session, last);
            SAVED.set(session);
            try {
                if (failure == null) {
                    super.send(metaRequest, metaResponse, last, content, callback);
                } else {
                    answeredFailure = session;
                    LOG.debug("redis-sessions: session {} could not be saved; answering 503 instead of {}: {}",
                            session.getId(), metaResponse.getStatus(), failure.getMessage());
                    sendFailureAnswer(metaRequest, metaResponse, callback);
                }
            } finally {
                SAVED.remove();
            }
        }

        /** The request completes (Jetty releases its session in there). */
        @Override
        public void succeeded() {
            completing(super::succeeded);
        }

        @Override
        public void failed(Throwable x) {
            completing(() -> super.failed(x));
        }

        private void completing(Runnable complete) {
            if (answeredFailure == null) {
                complete.run();
                return;
            }
            ANSWERED_FAILURE.set(answeredFailure);
            try {
                complete.run();
            } finally {
                ANSWERED_FAILURE.remove();
            }
        }

        /** Null when saved (or nothing to save), else the failure the request must be answered with. */
        private SessionStoreException save(ManagedSession session, boolean last) {
            if (session == null || !(manager.getSessionCache() instanceof RedisSessionCache cache)) {
                return null;
            }
            try {
                cache.saveBeforeResponse(session, request, last);
                return null;
            } catch (SessionStoreException e) {
                return e;
            } catch (Exception e) {
                // not a failure answer: Jetty's commit meets it again and logs it, as without this handler
                LOG.debug("redis-sessions: saving session {} before the response failed: {}", session.getId(), e.toString());
                return null;
            }
        }

        private void sendFailureAnswer(MetaData.Request metaRequest, MetaData.Response metaResponse, Callback callback) {
            HttpFields.Mutable headers = HttpFields.build()
                    .put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8")
                    .put(HttpHeader.RETRY_AFTER, "5")
                    .put(HttpHeader.CACHE_CONTROL, "no-store");
            HttpField connection = metaResponse.getHttpFields().getField(HttpHeader.CONNECTION);
            if (connection != null) {
                headers.put(connection);
            }
            headers.put(HttpHeader.CONTENT_LENGTH, Long.toString(FAILURE_BODY.length));
            boolean head = metaRequest != null && HttpMethod.HEAD.is(metaRequest.getMethod());
            super.send(metaRequest, new MetaData.Response(HttpStatus.SERVICE_UNAVAILABLE_503, null,
                            metaResponse.getHttpVersion(), headers, FAILURE_BODY.length), true,
                    head ? null : ByteBuffer.wrap(FAILURE_BODY), callback);
        }
    }
}
