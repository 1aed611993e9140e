package io.sightline.storage.logs;

import io.sightline.storage.segment.SegmentFile;
import io.sightline.storage.segment.SegmentNames;

/** Constants of the log segment format (storage/docs/format/logs.md). */
final class SegmentFormat {
    static final int MAGIC = 0x474C4C53; // "SLLG" little-endian
    /** Version 2 added each page's body bytes to the page index (for counting bytes without reading pages). */
    static final int VERSION = 2;
    /** Version-1 segments are still read; their body bytes come from the pages when asked for. */
    static final int OLDEST_READABLE_VERSION = 1;
    static final String FILE = SegmentNames.FILE;
    static final String TMP_SUFFIX = SegmentNames.TMP_SUFFIX;
    /** metaOffset u64, postingsOffset u64, metaCrc u32, postingsCrc u32, magic u32, reserved u32. */
    static final int FOOTER_BYTES = 32;
    static final SegmentFile.Format FORMAT = new SegmentFile.Format("log", MAGIC, OLDEST_READABLE_VERSION, VERSION, FOOTER_BYTES);
    /** A page closes once its bodies pass this many bytes (or at {@link PageCodec#MAX_ROWS} rows). */
    static final int PAGE_BODY_BYTES = 64 << 10;
    /** Level 1: within 1% of level 3's size on log pages and about 9x faster to write (benchmarks/RESULTS.md). */
    static final int ZSTD_LEVEL = 1;

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
