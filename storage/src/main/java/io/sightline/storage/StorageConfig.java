package io.sightline.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Storage settings. Immutable; validated on construction, the message names the key.
 *
 * @param dataDir                 root data directory ({@code data_dir}); created if missing
 * @param blockDurationMillis     span of one immutable block and of the head before a cut ({@code storage.block_duration}, 2h)
 * @param retentionMillis         blocks older than this are deleted ({@code storage.retention}, 15d)
 * @param walSyncMode             when the WAL is fsynced ({@code storage.wal.fsync})
 * @param walSyncIntervalMillis   fsync period in {@link WalSyncMode#INTERVAL} ({@code storage.wal.fsync_interval}, 1s)
 * @param walSegmentSizeBytes     size at which a WAL segment is cut ({@code storage.wal.segment_size}, 128 MiB)
 * @param outOfOrderWindowMillis  how far behind a series' newest sample a sample may still be accepted
 *                                ({@code storage.out_of_order_window}, 0 = in-order only, as Prometheus)
 * @param maxSeries               the series registry is sized for this many series ({@code storage.max_series}); more
 *                                are rejected with {@link RejectReason#LIMIT}
 * @param retentionBytes          the oldest blocks are deleted while blocks, WAL and head chunk files together hold more
 *                                ({@code storage.retention_size}; 0, the default, sets no size limit)
 */
public record StorageConfig(
        Path dataDir,
        long blockDurationMillis,
        long retentionMillis,
        WalSyncMode walSyncMode,
        long walSyncIntervalMillis,
        long walSegmentSizeBytes,
        long outOfOrderWindowMillis,
        long maxSeries,
        long retentionBytes) {

    public static final long DEFAULT_BLOCK_DURATION_MILLIS = 2 * 3600_000L;
    public static final long DEFAULT_RETENTION_MILLIS = 15 * 24 * 3600_000L;

    public StorageConfig {
        Objects.requireNonNull(dataDir, "data_dir");
        Objects.requireNonNull(walSyncMode, "storage.wal.fsync");
        positive("storage.block_duration", blockDurationMillis);
        if (blockDurationMillis % 60_000 != 0) {
            throw new IllegalArgumentException("storage.block_duration must be a whole number of minutes, got " + blockDurationMillis + "ms");
        }
        positive("storage.retention", retentionMillis);
        positive("storage.wal.fsync_interval", walSyncIntervalMillis);
        if (walSegmentSizeBytes < 1 << 20) {
            throw new IllegalArgumentException("storage.wal.segment_size must be at least 1MiB, got " + walSegmentSizeBytes);
        }
        if (outOfOrderWindowMillis < 0) {
            throw new IllegalArgumentException("storage.out_of_order_window must be >= 0, got " + outOfOrderWindowMillis + "ms");
        }
        positive("storage.max_series", maxSeries);
        if (retentionBytes < 0) {
            throw new IllegalArgumentException("storage.retention_size must be >= 0 (0: no size limit), got " + retentionBytes);
        }
    }

    /** Without a size limit. */
    public StorageConfig(Path dataDir, long blockDurationMillis, long retentionMillis, WalSyncMode walSyncMode,
                         long walSyncIntervalMillis, long walSegmentSizeBytes, long outOfOrderWindowMillis, long maxSeries) {
        this(dataDir, blockDurationMillis, retentionMillis, walSyncMode, walSyncIntervalMillis, walSegmentSizeBytes,
                outOfOrderWindowMillis, maxSeries, 0);
    }

    /** Defaults for everything but the data directory. */
    public static StorageConfig defaults(Path dataDir) {
        return new StorageConfig(dataDir, DEFAULT_BLOCK_DURATION_MILLIS, DEFAULT_RETENTION_MILLIS, WalSyncMode.INTERVAL,
                1_000, 128L << 20, 0, 2_000_000);
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }
}
