package io.redissessions.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>While relaying, the bytes of one direction can be held in flight, as a congested or
 * partitioned network holds them: {@link #hold()} keeps what clients send, {@link #holdReplies()}
 * what the server answers, {@link #release()} delivers what was held, in order, and relays again.
 * A client that closes its connection meanwhile does not lose what it sent: the server gets it,
 * then the close, on release.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Pipe> pipes = new CopyOnWriteArrayList<>();
    private volatile int targetPort; // 0: stall
    private volatile boolean closed;
    private volatile boolean holdRequests;
    private volatile boolean holdReplies;

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

    /** From now on, what clients send is held, not delivered, until {@link #release()}. */
    public void hold() {
        holdRequests = true;
    }

    /** From now on, what the server answers is held, not delivered, until {@link #release()}. */
    public void holdReplies() {
        holdReplies = true;
    }

    /** Delivers everything held, in order, and relays both directions again. */
    public void release() {
        holdRequests = false;
        holdReplies = false;
        for (Pipe p : pipes) {
            p.flush();
        }
    }

    /** What clients sent that is held now, as ISO-8859-1 text (RESP shows its command names). */
    public String heldRequests() {
        return held(true);
    }

    /** What the server answered that is held now, as ISO-8859-1 text. */
    public String heldReplies() {
        return held(false);
    }

    private String held(boolean requests) {
        StringBuilder sb = new StringBuilder();
        for (Pipe p : pipes) {
            if (p.requests == requests) {
                sb.append(p.pending());
            }
        }
        return sb.toString();
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
        Pipe up = new Pipe(client, upstream, true);
        Pipe down = new Pipe(upstream, client, false);
        pipes.add(up);
        pipes.add(down);
        daemon("tcp-proxy-up", up::run);
        daemon("tcp-proxy-down", down::run);
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

    /** One direction of a relayed connection; what it reads is delivered at once or held. */
    private final class Pipe {
        final Socket from;
        final Socket to;
        /** Client to server. */
        final boolean requests;
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();
        private boolean ended;

        Pipe(Socket from, Socket to, boolean requests) {
            this.from = from;
            this.to = to;
            this.requests = requests;
        }

        private boolean holding() {
            return requests ? holdRequests : holdReplies;
        }

        void run() {
            byte[] buf = new byte[8192];
            try {
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (this) {
                        if (holding() || held.size() > 0) {
                            held.write(buf, 0, n);
                        } else {
                            to.getOutputStream().write(buf, 0, n);
                            to.getOutputStream().flush();
                        }
                    }
                }
            } catch (IOException ignored) {
                // either side closed
            }
            synchronized (this) {
                ended = true;
                if (held.size() == 0) {
                    end();
                }
            }
        }

        /** Delivers what is held; ends the connection if its source closed meanwhile. */
        synchronized void flush() {
            if (holding()) {
                return;
            }
            if (held.size() > 0) {
                try {
                    held.writeTo(to.getOutputStream());
                    to.getOutputStream().flush();
                } catch (IOException ignored) {
                    // the receiver is gone
                }
                held.reset();
            }
            if (ended) {
                end();
            }
        }

        synchronized String pending() {
            return held.toString(StandardCharsets.ISO_8859_1);
        }

        private void end() {
            closeQuietly(from);
            closeQuietly(to);
            pipes.remove(this);
        }
    }

    private void closeOpen() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
        pipes.clear();
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
