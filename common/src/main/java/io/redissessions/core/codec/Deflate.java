package io.redissessions.core.codec;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** zlib-wrapped deflate with a hard cap on the inflated size; a fresh (In|De)flater per call. */
final class Deflate {

    private static final int CHUNK = 8192;

    private Deflate() {
    }

    static byte[] compress(byte[] data) {
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2));
            byte[] buffer = new byte[CHUNK];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /**
     * Inflates one complete zlib stream.
     *
     * @throws Failure when the data is corrupt, truncated, followed by trailing bytes, or would
     *         inflate to more than {@code maxBytes}
     */
    static byte[] decompress(byte[] data, int maxBytes) throws Failure {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, Math.max(64, data.length * 4)));
            byte[] buffer = new byte[CHUNK];
            int idle = 0;
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                // All input is there from the start: no output and not finished means it is cut short.
                if (n == 0 && !inflater.finished()
                        && (inflater.needsInput() || inflater.needsDictionary() || ++idle > 2)) {
                    throw new Failure("truncated or corrupt deflate data");
                }
                if (out.size() + n > maxBytes) {
                    throw new Failure("inflates to more than " + maxBytes + " bytes");
                }
                out.write(buffer, 0, n);
            }
            if (inflater.getRemaining() > 0) {
                throw new Failure(inflater.getRemaining() + " bytes after the end of the deflate data");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new Failure("corrupt deflate data (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
    }

    /** The data cannot be inflated within the limit. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }
}
