package io.redissessions.demo.balancer;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's load balancer: an HTTP reverse proxy that sends each request to the next backend in
 * turn. No stickiness of any kind (no cookie, no client address, not even the connection: two
 * requests on one keep-alive connection go to two backends), which is exactly the situation
 * redis-sessions is for.
 *
 * <p>Built on Jetty's {@link ProxyHandler.Reverse}, which handles hop-by-hop headers and adds
 * {@code Via}/{@code Forwarded}. The client's {@code Host} header is passed on unchanged, so the
 * backends see the address the browser used; cookies pass both ways untouched. There are no
 * health checks: a backend that is down answers 502 on its turn.
 *
 * <pre>
 * java -jar demo-balancer.jar [--host 127.0.0.1] --port 8080 http://127.0.0.1:8081 http://127.0.0.1:8082 ...
 * </pre>
 */
public final class RoundRobinBalancer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;
    private final List<URI> backends;
    private final AtomicLong next = new AtomicLong();

    public RoundRobinBalancer(String host, int port, List<URI> backends) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("at least one backend, e.g. http://127.0.0.1:8081");
        }
        for (URI b : backends) {
            if (!"http".equals(b.getScheme()) || b.getHost() == null || b.getPort() <= 0) {
                throw new IllegalArgumentException("backend '" + b + "': expected http://host:port");
            }
        }
        this.backends = List.copyOf(backends);
        this.server = new Server();
        this.connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ProxyHandler.Reverse proxy = new ProxyHandler.Reverse(this::target);
        server.setHandler(proxy);
        server.setStopAtShutdown(true);
    }

    /** The backend of this request: the next one in turn; path and query unchanged. */
    private HttpURI target(Request request) {
        URI backend = backends.get((int) (next.getAndIncrement() % backends.size()));
        return HttpURI.build(request.getHttpURI()).scheme("http").host(backend.getHost()).port(backend.getPort());
    }

    public RoundRobinBalancer start() throws Exception {
        server.start();
        return this;
    }

    /** The port it listens on (the real one when 0 was asked for). */
    public int port() {
        return connector.getLocalPort();
    }

    public List<URI> backends() {
        return backends;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8080;
        List<URI> backends = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                default -> backends.add(URI.create(args[i]));
            }
        }
        RoundRobinBalancer balancer = new RoundRobinBalancer(host, port, backends).start();
        System.out.println("round-robin balancer on http://" + host + ":" + balancer.port() + "/ -> " + backends);
        balancer.server.join();
    }
}
