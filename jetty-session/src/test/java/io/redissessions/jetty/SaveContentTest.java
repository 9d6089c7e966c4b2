package io.redissessions.jetty;

import io.redissessions.jetty.testing.JettyNode;
import io.redissessions.core.store.SessionKeys;
import io.redissessions.testing.Poll;
import io.redissessions.testing.RedisServer;
import io.redissessions.testing.contract.Gate;
import io.redissessions.testing.web.Browser;
import io.redissessions.testing.web.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a Jetty save sends to Redis: only what changed (the shared change tracking), as read from
 * the save script's arguments with {@code MONITOR}. Jetty's own fields that did not change
 * ({@code #x:jetty.cookieSet}, a whole-second max inactive interval) are not rewritten, and no
 * field is deleted that is not there.
 */
class SaveContentTest {

    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The save script's arguments, as {@code save.lua} reads them. */
    record Save(String mode, Map<String, String> fields, List<String> removed) {
        static Save parse(List<String> args) {
            // evalsha sha numkeys key index | mode id accessed maxInactive expiresIn grace deadline nfields (f v)*
            // nremoved r*
            int i = 5;
            String mode = args.get(i);
            i += 7;
            int nFields = Integer.parseInt(args.get(i++));
            Map<String, String> fields = new LinkedHashMap<>();
            for (int f = 0; f < nFields; f++) {
                fields.put(args.get(i), args.get(i + 1));
                i += 2;
            }
            int nRemoved = Integer.parseInt(args.get(i++));
            return new Save(mode, fields, new ArrayList<>(args.subList(i, i + nRemoved)));
        }
    }

    private RedisServer redis;
    private JettyNode node;
    private Socket monitor;
    private final List<List<String>> commands = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisServer.startStandalone();
        node = JettyNode.builder("nodeA", redis.uri()).start();
    }

    @AfterEach
    void stop() throws IOException {
        if (monitor != null) {
            monitor.close();
        }
        node.close();
        redis.close();
    }

    private void startMonitor() throws IOException {
        monitor = new Socket(redis.host(), redis.port());
        OutputStream out = monitor.getOutputStream();
        out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
        if (!"+OK".equals(in.readLine())) {
            throw new IllegalStateException("MONITOR refused");
        }
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) {
                    List<String> args = new ArrayList<>();
                    Matcher m = QUOTED.matcher(line);
                    while (m.find()) {
                        args.add(m.group(1));
                    }
                    commands.add(args);
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "monitor");
        reader.setDaemon(true);
        reader.start();
    }

    private List<Save> saves() {
        return commands.stream().filter(c -> !c.isEmpty() && c.get(0).equalsIgnoreCase("evalsha") && c.size() > 10)
                .filter(c -> c.get(5).equals("u") || c.get(5).equals("c")).map(Save::parse).toList();
    }

    private long netInputBytes() {
        Matcher m = Pattern.compile("total_net_input_bytes:(\\d+)").matcher(redis.command("INFO", "stats"));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void requestThatChangesOneAttributeWritesThatAttributeAndTheAccessTimeOnly() throws IOException {
        Browser client = Browser.of(node);
        client.body("/s?op=set&name=user&value=alice");
        client.body("/s?op=get&name=user");
        startMonitor();

        long before = netInputBytes();
        client.body("/s?op=set&name=user&value=bob");
        long sent = netInputBytes() - before;
        Poll.until(Duration.ofSeconds(10), "MONITOR shows the save", () -> !saves().isEmpty());

        Save save = saves().get(0);
        System.out.println("redis-sessions: a Jetty request that changes one attribute sent " + sent
                + " bytes to Redis (load + save + one INFO); save fields " + save.fields().keySet()
                + ", removed " + save.removed());
        assertThat(save.mode()).isEqualTo("u");
        assertThat(save.fields()).containsKey("a:user")
                .doesNotContainKeys("#x:jetty.cookieSet", "#x:jetty.maxInactiveMs", "#x:jetty.lastSaved", "#created");
        assertThat(save.removed()).as("fields deleted").isEmpty();
        assertThat(saves()).hasSize(1);
    }

    @Test
    void saveThatFindsTheSessionDeletedByAnotherNodeIsNotTriedAgainInTheRequest() throws Exception {
        Browser client = Browser.of(node);
        client.body("/s?op=set&name=user&value=alice");
        String key = new SessionKeys("rs:", "app").sessionKey(client.clusterId());
        RedisSessionCache cache = (RedisSessionCache) node.sessionHandler().getSessionCache();
        long conflicts = node.store().getSaveConflicts();

        // the request has loaded its session and changed it; another node deletes it meanwhile
        String gate = "gone-" + System.nanoTime();
        CompletableFuture<Reply> parked = client.getAsync(node, "/s?op=hold&gate=" + gate + "&name=late&then=set&value=1");
        Gate.awaitArrivals(node, gate, 1);
        redis.command("DEL", key);
        Gate.release(node, gate);
        assertThat(Browser.ok(parked.get(30, TimeUnit.SECONDS))).isEqualTo("ok");
        Poll.until(Duration.ofSeconds(10), "the request has released its session", () -> cache.getSessionsInUse() == 0);

        assertThat(node.store().getSaveConflicts() - conflicts).as("saves refused (commit, then release)").isEqualTo(1);
        assertThat(redis.command("EXISTS", key)).endsWith("0");
    }
}
