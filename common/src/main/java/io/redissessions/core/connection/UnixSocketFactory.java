package io.redissessions.core.connection;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;

/**
 * Opens Jedis connections over a Unix domain socket (junixsocket). Both timeouts are set on the
 * socket itself: Jedis reads the read timeout back from the socket ({@code Socket#getSoTimeout})
 * after {@link #createSocket()}, so a socket without it would wait forever for a reply.
 */
final class UnixSocketFactory implements JedisSocketFactory {

    private final Path path;
    private final int connectTimeoutMillis;
    private final int socketTimeoutMillis;

    UnixSocketFactory(Path path, int connectTimeoutMillis, int socketTimeoutMillis) {
        this.path = path;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.socketTimeoutMillis = socketTimeoutMillis;
    }

    @Override
    public Socket createSocket() throws JedisConnectionException {
        BrokenConnections.refuseWhileDiscarding();
        AFUNIXSocket socket = null;
        try {
            socket = AFUNIXSocket.newInstance();
            socket.setSoTimeout(socketTimeoutMillis);
            socket.connect(AFUNIXSocketAddress.of(path), connectTimeoutMillis);
            socket.setSoTimeout(socketTimeoutMillis);
            return socket;
        } catch (IOException | RuntimeException e) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new JedisConnectionException("Failed to connect to unix socket " + path + ": " + e, e);
        }
    }

    int socketTimeoutMillis() {
        return socketTimeoutMillis;
    }

    @Override
    public String toString() {
        return "UnixSocketFactory{" + path + "}";
    }
}
