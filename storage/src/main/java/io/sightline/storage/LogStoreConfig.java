package io.sightline.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Log store settings. Immutable; validated on construction, the message names the key.
 *
 * @param dir                   where the log store keeps its WAL and segments ({@code <data_dir>/logs})
 * @param segmentDurationMillis the head is cut into a segment once its oldest commit is this old ({@code logs.segment_duration}, 1h)
 * @param maxHeadBytes          ... or once it holds about this many bytes ({@code logs.max_head_bytes}, 128 MiB of
 *                              estimated heap; the head being cut and the next one may together hold twice that)
 * @param retentionMillis       segments whose newest record is older are deleted ({@code logs.retention}, 15d)
 * @param retentionBytes        the oldest segments are deleted while all segments together hold more bytes than this
 *                              ({@code logs.retention_size}; 0, the default, sets no size limit)
 * @param walSyncMode           when the WAL is fsynced ({@code storage.wal.fsync})
 * @param walSyncIntervalMillis fsync period in {@link WalSyncMode#INTERVAL}
 */
public record LogStoreConfig(Path dir, long segmentDurationMillis, long maxHeadBytes, long retentionMillis,
                             long retentionBytes, WalSyncMode walSyncMode, long walSyncIntervalMillis) {
    public LogStoreConfig {
        if (retentionBytes < 0) {
            throw new IllegalArgumentException("logs.retention_size must be >= 0 (0: no size limit), got " + retentionBytes);
        }
        Objects.requireNonNull(dir, "data_dir");
        Objects.requireNonNull(walSyncMode, "storage.wal.fsync");
        positive("logs.segment_duration", segmentDurationMillis);
        if (maxHeadBytes < 1 << 16) {
            throw new IllegalArgumentException("logs.max_head_bytes must be at least 64KiB, got " + maxHeadBytes);
        }
        positive("logs.retention", retentionMillis);
        positive("storage.wal.fsync_interval", walSyncIntervalMillis);
    }

    /** Without a size limit on retention. */
    public LogStoreConfig(Path dir, long segmentDurationMillis, long maxHeadBytes, long retentionMillis,
                          WalSyncMode walSyncMode, long walSyncIntervalMillis) {
        this(dir, segmentDurationMillis, maxHeadBytes, retentionMillis, 0, walSyncMode, walSyncIntervalMillis);
    }

    /** Defaults for everything but the directory. */
    public static LogStoreConfig defaults(Path dir) {
        return new LogStoreConfig(dir, 3600_000L, 128L << 20, 15 * 24 * 3600_000L, WalSyncMode.INTERVAL, 1_000);
    }

    public LogStoreConfig withRetentionMillis(long millis) {
        return new LogStoreConfig(dir, segmentDurationMillis, maxHeadBytes, millis, retentionBytes, walSyncMode,
                walSyncIntervalMillis);
    }

    public LogStoreConfig withRetentionBytes(long bytes) {
        return new LogStoreConfig(dir, segmentDurationMillis, maxHeadBytes, retentionMillis, bytes, walSyncMode,
                walSyncIntervalMillis);
    }

    public LogStoreConfig withMaxHeadBytes(long bytes) {
        return new LogStoreConfig(dir, segmentDurationMillis, bytes, retentionMillis, retentionBytes, walSyncMode,
                walSyncIntervalMillis);
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }
}
