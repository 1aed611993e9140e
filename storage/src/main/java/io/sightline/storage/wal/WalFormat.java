package io.sightline.storage.wal;

import java.nio.file.Path;

/** Constants of the WAL format (see storage/docs/format/wal.md): file names, magic, version, record types. */
final class WalFormat {
    static final String DIR = "wal";
    static final int MAGIC = 0x4C575353; // "SSWL" little-endian
    /** Written now. 2: records may be zstd-compressed ({@link #COMPRESSED}); version 1 segments are still read. */
    static final int VERSION = 2;
    static final int MIN_READ_VERSION = 1;

    static final byte SERIES = 1;
    static final byte SAMPLES = 2;
    static final byte METADATA = 3;
    /** {@code uvarint rawLength, zstd frame}: the frame decompresses to the payload of one other record. */
    static final byte COMPRESSED = 4;

    /** Payloads shorter than this are written as they are: too small for zstd to win much. */
    static final int MIN_COMPRESSED_PAYLOAD = 512;
    /** zstd level 1: ~2.5x on samples records at ~30 ns per sample (measured on this project's WAL). */
    static final int ZSTD_LEVEL = 1;

    /** Worst case bytes of one sample in a samples record: uvarint id (5), varint delta (10), value (8). */
    static final int MAX_SAMPLE_BYTES = 23;

    private WalFormat() {
    }

    /** Segment files are named by their sequence number, 8 digits, so names sort in write order. */
    static String segmentName(int number) {
        return String.format("%08d", number);
    }

    /** The sequence number of a segment file, or -1 when the name is not one. */
    static int segmentNumber(Path file) {
        String name = file.getFileName().toString();
        if (name.length() != 8) {
            return -1;
        }
        for (int i = 0; i < 8; i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(name);
    }
}
