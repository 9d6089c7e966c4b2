package io.redissessions.bench.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a real Redis that holds back every reply for {@link #delayMillis}
 * while it is set: a slow Redis (or a slow network) that still answers every command.
 */
final class SlowProxy implements Topology {

    private final Standalone redis;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    volatile long delayMillis;

    SlowProxy(Standalone redis) {
        this.redis = redis;
        try {
            listener = new ServerSocket(0, 500, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread accept = new Thread(this::acceptLoop, "slow-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress("127.0.0.1", redis.server.port()), 2000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                pump(client, server, false);
                pump(server, client, true);
            } catch (IOException e) {
                // listener closed, or Redis refused: the client sees its connection closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean slow) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    long d = delayMillis;
                    if (slow && d > 0) {
                        Thread.sleep(d);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "slow-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public String uri() {
        return "redis://127.0.0.1:" + listener.getLocalPort();
    }

    @Override
    public int sessionKeys(String namespace) {
        return redis.sessionKeys(namespace);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(SlowProxy::closeQuietly);
        redis.close();
    }
}
