package io.redissessions.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal RESP client for fixtures, independent of the code under test. */
public final class Resp {
    private Resp() {
    }

    public static String command(String host, int port, String password, String... args) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            if (password != null) {
                write(out, "AUTH", password);
                readReply(in);
            }
            write(out, args);
            return readReply(in);
        } catch (IOException e) {
            throw new IllegalStateException("redis command " + String.join(" ", args) + " failed: " + e, e);
        }
    }

    static void write(OutputStream out, String... args) throws IOException {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        char type = line.charAt(0);
        switch (type) {
            case '+', '-', ':':
                return line;
            case '$': {
                int len = Integer.parseInt(line.substring(1));
                if (len < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(len + 2);
                return new String(b, 0, len, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line.substring(1));
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    sb.append(readReply(in)).append('\n');
                }
                return sb.toString();
            }
            default:
                return line;
        }
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read();
                break;
            }
            sb.append((char) c);
        }
        if (c == -1 && sb.length() == 0) {
            throw new IOException("connection closed");
        }
        return sb.toString();
    }
}
