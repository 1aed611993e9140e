package io.sightline.server.config;

import io.sightline.ingest.LogsIngestConfig;
import io.sightline.query.LogQueryConfig;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.WalSyncMode;

import java.nio.file.Path;

/**
 * The {@code logs.*} keys mapped onto the log store, logs ingest and LogQL configs.
 *
 * @param store  the log store under {@code <data_dir>/logs}
 * @param ingest stream labels and line limit of OTLP logs ingest
 * @param query  LogQL limits
 */
public record LogsConfig(LogStoreConfig store, LogsIngestConfig ingest, LogQueryConfig query) {
    static LogsConfig from(ConfigSource src, Path dataDir, WalSyncMode walSyncMode, long walSyncIntervalMillis) {
        LogStoreConfig ds = LogStoreConfig.defaults(dataDir.resolve("logs"));
        LogStoreConfig store = new LogStoreConfig(ds.dir(),
                src.durationMillis("logs.segment_duration", ds.segmentDurationMillis()),
                src.bytes("logs.max_head_bytes", ds.maxHeadBytes()),
                src.durationMillis("logs.retention", ds.retentionMillis()),
                src.bytes("logs.retention_size", ds.retentionBytes()),
                walSyncMode, walSyncIntervalMillis);
        LogsIngestConfig di = LogsIngestConfig.defaults();
        long maxLine = src.bytes("logs.max_line_bytes", di.maxLineBytes());
        if (maxLine > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("logs.max_line_bytes is too large: " + maxLine);
        }
        LogsIngestConfig ingest = new LogsIngestConfig(src.list("logs.stream_labels", di.streamLabels()), (int) maxLine);
        LogQueryConfig dq = LogQueryConfig.defaults();
        LogQueryConfig query = new LogQueryConfig(
                src.durationMillis("logs.query.timeout", dq.timeoutMillis()),
                (int) Math.min(Integer.MAX_VALUE, src.integer("logs.query.max_series", dq.maxSeries())),
                (int) Math.min(Integer.MAX_VALUE, src.integer("logs.query.max_entries", dq.maxEntries())),
                (int) Math.min(Integer.MAX_VALUE, src.integer("logs.query.max_points", dq.maxPoints())),
                src.integer("logs.query.max_samples", dq.maxSamples()));
        return new LogsConfig(store, ingest, query);
    }
}
