package io.redissessions.demo;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of the Redis protocol (RESP2) for the demo page to show a session's key and TTL:
 * one short connection, optional AUTH, a few commands. The webapp deliberately has no Redis
 * client library: redis-sessions lives in the container, not in the application.
 */
public final class RespClient {

    /** An error reply ({@code -ERR ...}). */
    public record Error(String message) {
    }

    private final String host;
    private final int port;
    private final String password;
    private final int timeoutMillis;

    public RespClient(String host, int port, String password, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.password = password;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Sends the commands in one connection and returns one reply each: {@link String} for status
     * and bulk replies (null for a null bulk), {@link Long} for integers, {@link List} for arrays,
     * {@link Error} for errors.
     */
    public List<Object> send(List<String[]> commands) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            List<String[]> all = new ArrayList<>();
            if (password != null && !password.isEmpty()) {
                all.add(new String[] {"AUTH", password});
            }
            all.addAll(commands);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            for (String[] command : all) {
                write(request, command);
            }
            out.write(request.toByteArray()); // pipelined: one round trip
            out.flush();
            List<Object> replies = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                Object reply = read(in);
                if (i == 0 && all.size() > commands.size() && reply instanceof Error e) {
                    throw new IOException("AUTH failed: " + e.message());
                }
                replies.add(reply);
            }
            return replies.subList(all.size() - commands.size(), all.size());
        }
    }

    static void write(OutputStream out, String... args) throws IOException {
        out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] b = arg.getBytes(StandardCharsets.UTF_8);
            out.write(('$' + Integer.toString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.write('\r');
            out.write('\n');
        }
    }

    static Object read(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("Redis closed the connection");
        }
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Error(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(length + 2);
                if (b.length < length + 2) {
                    throw new EOFException("Redis closed the connection mid-reply");
                }
                return new String(b, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("not a RESP2 reply: '" + (char) type + line + "'");
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new EOFException("Redis closed the connection mid-line");
            }
            line.write(c);
        }
        if (in.read() != '\n') {
            throw new IOException("malformed RESP line");
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
