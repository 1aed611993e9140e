package io.sightline.ingest.limit;

import org.xerial.snappy.Snappy;

import java.io.IOException;

/**
 * Snappy block-format decompression (what Prometheus remote write sends) that checks the size the block
 * header announces against a limit before allocating anything, so a small body cannot claim the heap.
 */
public final class BoundedSnappy {
    private BoundedSnappy() {
    }

    /**
     * The decompressed length of {@code block} as its header states it.
     *
     * @throws BoundedGzip.TooLargeException when it exceeds {@code maxBytes}
     * @throws IOException                   when the header is not snappy
     */
    public static int uncompressedLength(byte[] block, int maxBytes) throws IOException {
        return uncompressedLength(block, block.length, maxBytes);
    }

    /** As {@link #uncompressedLength(byte[], int)} for the block in {@code block[0, length)}. */
    public static int uncompressedLength(byte[] block, int length, int maxBytes) throws IOException {
        long n = Snappy.uncompressedLength(block, 0, length);
        if (n < 0 || n > maxBytes) {
            throw new BoundedGzip.TooLargeException(maxBytes);
        }
        return (int) n;
    }

    /**
     * Decompresses {@code block} into {@code out} (at least {@link #uncompressedLength} bytes long).
     *
     * @return the number of bytes written
     * @throws IOException when the block is corrupt
     */
    public static int decompress(byte[] block, byte[] out) throws IOException {
        return decompress(block, block.length, out);
    }

    /** As {@link #decompress(byte[], byte[])} for the block in {@code block[0, length)}. */
    public static int decompress(byte[] block, int length, byte[] out) throws IOException {
        return Snappy.uncompress(block, 0, length, out, 0);
    }
}
