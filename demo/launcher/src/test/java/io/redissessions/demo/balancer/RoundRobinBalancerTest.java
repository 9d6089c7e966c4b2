package io.redissessions.demo.balancer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoundRobinBalancerTest {

    private final List<Server> backends = new ArrayList<>();
    private RoundRobinBalancer balancer;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A backend that answers with its name, the Host and Cookie it received, and the body. */
    private URI backend(String name) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                if (request.getHttpURI().getPath().equals("/go")) {
                    response.setStatus(303);
                    response.getHeaders().put(HttpHeader.LOCATION, "/demo/");
                    callback.succeeded();
                    return true;
                }
                response.getHeaders().add(HttpHeader.SET_COOKIE, "JSESSIONID=" + name + "; Path=/");
                response.getHeaders().add(HttpHeader.SET_COOKIE, "other=1; Path=/");
                String text = name + "|" + request.getHeaders().get(HttpHeader.HOST) + "|"
                        + request.getHeaders().get(HttpHeader.COOKIE) + "|" + request.getHttpURI().getPathQuery()
                        + "|" + body;
                Content.Sink.write(response, true, text, callback);
                return true;
            }
        });
        server.start();
        backends.add(server);
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @BeforeEach
    void start() throws Exception {
        balancer = new RoundRobinBalancer("127.0.0.1", 0, List.of(backend("a"), backend("b"), backend("c"))).start();
    }

    @AfterEach
    void stop() throws Exception {
        balancer.close();
        for (Server s : backends) {
            s.stop();
        }
    }

    private HttpResponse<String> get(String pathQuery, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + balancer.port() + pathQuery))
                .timeout(Duration.ofSeconds(10));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyRequestGoesToTheNextBackendEvenOnOneConnection() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            names.add(get("/demo/", "JSESSIONID=X").body().split("\\|")[0]);
        }
        assertThat(names).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void hostCookiesPathAndQueryArePassedOnAndSetCookieComesBack() throws Exception {
        HttpResponse<String> r = get("/demo/x?y=1&z=%20", "JSESSIONID=ABC; other=2");
        String[] parts = r.body().split("\\|", -1);
        assertThat(parts[1]).isEqualTo("127.0.0.1:" + balancer.port());
        assertThat(parts[2]).isEqualTo("JSESSIONID=ABC; other=2");
        assertThat(parts[3]).isEqualTo("/demo/x?y=1&z=%20");
        assertThat(r.headers().allValues("Set-Cookie")).hasSize(2).anySatisfy(c -> assertThat(c).startsWith("JSESSIONID="));
    }

    @Test
    void postBodyIsForwardedAndRedirectsAreLeftAlone() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + balancer.port() + "/demo/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("action=add&item=tea")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).endsWith("|action=add&item=tea");

        HttpResponse<String> redirect = get("/go", null);
        assertThat(redirect.statusCode()).isEqualTo(303);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/demo/");
    }

    @Test
    void backendThatIsDownAnswersBadGatewayOnItsTurnOnly() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        balancer.close();
        balancer = new RoundRobinBalancer("127.0.0.1", 0,
                List.of(backend("a"), URI.create("http://127.0.0.1:" + closedPort))).start();
        assertThat(get("/", null).statusCode()).isEqualTo(200);
        assertThat(get("/", null).statusCode()).isEqualTo(502);
        assertThat(get("/", null).statusCode()).isEqualTo(200);
    }
}
