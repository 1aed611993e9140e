package io.sightline.storage.traces;

/** Constants of the span segment format (storage/docs/format/traces.md). */
final class SegmentFormat {
    static final int MAGIC = 0x53545453; // "STTS" little-endian
    static final int VERSION = 1;
    static final String FILE = "segment";
    static final String TMP_SUFFIX = ".tmp";
    /** Five u64 section offsets (dictionary, meta, postings, traces, footer start), five u32 CRCs, magic, reserved. */
    static final int FOOTER_BYTES = 5 * 8 + 5 * 4 + 8;
    /**
     * Rows per page: a trace-by-id lookup decodes the one or two pages holding the trace. 256 rather than 1024
     * halved the median lookup for 3 more bytes per span (benchmarks/RESULTS.md).
     */
    static final int PAGE_ROWS = 256;
    static final int ZSTD_LEVEL = 3;
    /** Text values at most this long always go into the dictionary; longer ones only when listed or indexed. */
    static final int SHORT_TEXT = 24;
    /** Distinct values per attribute key kept for tag value listings. */
    static final int MAX_TAG_VALUES = 1000;

    private SegmentFormat() {
    }

    /** Segment directories are named by the WAL file that followed the cut, so names sort in cut order. */
    static String dirName(int walNumber) {
        return String.format("seg-%08d", walNumber);
    }

    /** The WAL number a segment directory name carries, or -1 when it is not a segment. */
    static int walNumber(String dirName) {
        if (dirName.length() != 12 || !dirName.startsWith("seg-")) {
            return -1;
        }
        for (int i = 4; i < 12; i++) {
            if (!Character.isDigit(dirName.charAt(i))) {
                return -1;
            }
        }
        return Integer.parseInt(dirName.substring(4));
    }
}
