package io.sightline.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Trace store settings. Immutable; validated on construction, the message names the key.
 *
 * @param dir                   where the trace store keeps its WAL, segments and trace-id index ({@code <data_dir>/traces})
 * @param segmentDurationMillis the head is cut into a segment once its oldest commit is this old ({@code traces.segment_duration}, 1h)
 * @param maxHeadBytes          ... or once it holds about this many bytes ({@code traces.max_head_bytes}, 128 MiB)
 * @param retentionMillis       segments whose newest span is older are deleted ({@code traces.retention}, 15d)
 * @param walSyncMode           when the WAL is fsynced ({@code storage.wal.fsync})
 * @param walSyncIntervalMillis fsync period in {@link WalSyncMode#INTERVAL}
 * @param indexedAttributes     span/resource attribute keys with postings ({@code traces.indexed_attributes})
 * @param retentionBytes        the oldest segments are deleted while all together hold more bytes than this
 *                              ({@code traces.retention_size}; 0, the default, sets no size limit)
 */
public record TraceStoreConfig(Path dir, long segmentDurationMillis, long maxHeadBytes, long retentionMillis,
                               WalSyncMode walSyncMode, long walSyncIntervalMillis, List<String> indexedAttributes,
                               long retentionBytes) {
    public static final List<String> DEFAULT_INDEXED_ATTRIBUTES =
            List.of("http.route", "http.response.status_code", "db.system", "rpc.service");

    public TraceStoreConfig {
        Objects.requireNonNull(dir, "data_dir");
        Objects.requireNonNull(walSyncMode, "storage.wal.fsync");
        indexedAttributes = List.copyOf(indexedAttributes);
        positive("traces.segment_duration", segmentDurationMillis);
        if (maxHeadBytes < 1 << 16) {
            throw new IllegalArgumentException("traces.max_head_bytes must be at least 64KiB, got " + maxHeadBytes);
        }
        positive("traces.retention", retentionMillis);
        if (retentionBytes < 0) {
            throw new IllegalArgumentException("traces.retention_size must be >= 0 (0: no size limit), got " + retentionBytes);
        }
        positive("storage.wal.fsync_interval", walSyncIntervalMillis);
        for (String key : indexedAttributes) {
            if (key.isBlank()) {
                throw new IllegalArgumentException("traces.indexed_attributes must not hold an empty key");
            }
        }
    }

    /** Without a size limit. */
    public TraceStoreConfig(Path dir, long segmentDurationMillis, long maxHeadBytes, long retentionMillis,
                            WalSyncMode walSyncMode, long walSyncIntervalMillis, List<String> indexedAttributes) {
        this(dir, segmentDurationMillis, maxHeadBytes, retentionMillis, walSyncMode, walSyncIntervalMillis,
                indexedAttributes, 0);
    }

    /** Defaults for everything but the directory. */
    public static TraceStoreConfig defaults(Path dir) {
        return new TraceStoreConfig(dir, 3600_000L, 128L << 20, 15 * 24 * 3600_000L, WalSyncMode.INTERVAL, 1_000,
                DEFAULT_INDEXED_ATTRIBUTES);
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }
}
