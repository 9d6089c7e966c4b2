package io.redissessions.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP endpoint on an ephemeral loopback port that a test can switch between two behaviours:
 * <ul>
 *   <li>{@link #stall()}: accepts every connection and reads what is sent, but never answers, as
 *       a partitioned or stopped Redis does (the kernel completes the handshake, the process
 *       never replies);</li>
 *   <li>{@link #forwardTo(int)}: relays every new connection to a real server on 127.0.0.1.</li>
 * </ul>
 * Switching closes the connections of the previous mode. {@link #close()} stops everything.
 * It starts stalled.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile int targetPort; // 0: stall
    private volatile boolean closed;

    private TcpProxy() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 200);
        acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
    }

    /** A new proxy, stalled. */
    public static TcpProxy start() {
        try {
            TcpProxy p = new TcpProxy();
            p.acceptor.start();
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1: " + e, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:<port>} */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Connections accepted so far, in either mode. */
    public int accepted() {
        return accepted.get();
    }

    /** From now on, connections are accepted and never answered; open ones are closed. */
    public void stall() {
        targetPort = 0;
        closeOpen();
    }

    /** From now on, connections are relayed to 127.0.0.1:port; open (stalled) ones are closed. */
    public void forwardTo(int port) {
        targetPort = port;
        closeOpen();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            open.add(client);
            int target = targetPort;
            if (target == 0) {
                daemon("tcp-proxy-stall", () -> drain(client));
            } else {
                relay(client, target);
            }
        }
    }

    private void relay(Socket client, int target) {
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress("127.0.0.1", target), 2000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(upstream);
        daemon("tcp-proxy-up", () -> pipe(client, upstream));
        daemon("tcp-proxy-down", () -> pipe(upstream, client));
    }

    /** Reads and discards until the peer or the test closes the connection. */
    private void drain(Socket s) {
        byte[] buf = new byte[4096];
        try (InputStream in = s.getInputStream()) {
            while (in.read(buf) >= 0) {
                // never answered
            }
        } catch (IOException ignored) {
            // closed
        } finally {
            closeQuietly(s);
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buf = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // either side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeOpen() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // best effort
        }
        closeOpen();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TcpProxy{" + address() + (targetPort == 0 ? ", stalled" : " -> " + targetPort) + "}";
    }
}
