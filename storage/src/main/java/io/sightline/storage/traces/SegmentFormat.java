package io.sightline.storage.traces;

import io.sightline.storage.segment.SegmentFile;
import io.sightline.storage.segment.SegmentNames;

/** Constants of the span segment format (storage/docs/format/traces.md). */
final class SegmentFormat {
    static final int MAGIC = 0x53545453; // "STTS" little-endian
    static final int VERSION = 1;
    static final String FILE = SegmentNames.FILE;
    static final String TMP_SUFFIX = SegmentNames.TMP_SUFFIX;
    /** Five u64 section offsets (dictionary, meta, postings, traces, footer start), five u32 CRCs, magic, reserved. */
    static final int FOOTER_BYTES = 5 * 8 + 5 * 4 + 8;
    static final SegmentFile.Format FORMAT = new SegmentFile.Format("span", MAGIC, VERSION, VERSION, FOOTER_BYTES);
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

    /** See {@link SegmentNames#dirName}. */
    static String dirName(int walNumber) {
        return SegmentNames.dirName(walNumber);
    }

    /** See {@link SegmentNames#walNumber}. */
    static int walNumber(String dirName) {
        return SegmentNames.walNumber(dirName);
    }
}
