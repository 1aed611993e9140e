package io.sightline.storage.block;

/** Constants of the block format (see storage/docs/format/block.md and index.md). */
final class BlockFormat {
    static final String DIR = "metrics";
    static final String META = "meta.json";
    static final String INDEX = "index";
    static final String CHUNKS = "chunks";
    /** A block directory being written; deleted at open when a crash left it behind. */
    static final String TMP_SUFFIX = ".tmp";
    /** A block directory being deleted; deleted at open when a crash left it behind. */
    static final String DELETING_SUFFIX = ".deleting";

    static final int INDEX_MAGIC = 0x58444953; // "SIDX" little-endian
    static final int CHUNKS_MAGIC = 0x4B484353; // "SCHK" little-endian
    /**
     * Version of the index and chunks files a block is written with. 2: series table without ids (a
     * series' position is its rank among the block's ids), chunk times relative to the block's minTime,
     * chunks without their time range ({@link io.sightline.storage.chunk.ChunkFormat#BLOCK_VERSION}).
     */
    static final int VERSION = 2;
    /** The oldest version still read (blocks written before version 2). */
    static final int OLDEST_VERSION = 1;

    /** Bytes of one series table entry: u32 offset of the series entry from the series section's start. */
    static final int SERIES_TABLE_ENTRY = 4;
    /** Bytes of one series table entry of version 1: u32 id, u64 entry offset. */
    static final int SERIES_TABLE_ENTRY_V1 = 12;
    /** Bytes of one postings table entry: u32 name symbol, u32 value symbol, u64 offset, u32 length. */
    static final int POSTINGS_TABLE_ENTRY = 20;
    /** Bytes of the table of contents at the end of the index file. */
    static final int TOC_BYTES = 6 * 8 + 4 + 6 * 4;
    /** Bytes before each chunk in the chunks file: its CRC32C. */
    static final int CHUNK_CRC_BYTES = 4;

    private BlockFormat() {
    }
}
