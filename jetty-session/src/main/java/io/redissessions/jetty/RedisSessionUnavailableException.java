package io.redissessions.jetty;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;

/**
 * A request needs its session and Redis cannot be reached ({@code failureMode=fail}). Jetty answers
 * it with 503 Service Unavailable rather than handing out a new, empty session (which would log
 * the user out and later overwrite the real session).
 */
public class RedisSessionUnavailableException extends HttpException.RuntimeException {

    private static final long serialVersionUID = 1L;

    public RedisSessionUnavailableException(String message, Throwable cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE_503, message, cause);
    }
}
