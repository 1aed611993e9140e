package io.sightline.ingest.limit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Gzip decompression that stops at a size limit, so a small "gzip bomb" cannot take the heap: the
 * output buffer never grows past {@code maxBytes + 1}.
 */
public final class BoundedGzip {
    private BoundedGzip() {
    }

    /** Thrown when the decompressed body would exceed the limit. */
    public static final class TooLargeException extends IOException {
        private final long limit;

        TooLargeException(long limit) {
            super("decompressed body exceeds " + limit + " bytes (ingest.max_request_bytes)");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /**
     * The decompressed bytes of {@code gzip}.
     *
     * @throws TooLargeException when they exceed {@code maxBytes}
     * @throws IOException       when the input is not valid gzip
     */
    public static byte[] decompress(byte[] gzip, int maxBytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 8192)) {
            byte[] buf = new byte[Math.min(maxBytes + 1, Math.max(8192, gzip.length * 4))];
            int n = 0;
            while (true) {
                if (n == buf.length) {
                    if (n > maxBytes) {
                        throw new TooLargeException(maxBytes);
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min((long) maxBytes + 1, (long) buf.length * 2));
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
                if (n > maxBytes) {
                    throw new TooLargeException(maxBytes);
                }
            }
            return n == buf.length ? buf : Arrays.copyOf(buf, n);
        }
    }
}
