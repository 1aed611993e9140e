package io.sightline.storage.engine;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.sightline.storage.head.HeadChunkFiles;
import io.sightline.storage.RejectReason;
import io.sightline.storage.block.BlockReader;
import io.sightline.storage.compact.Runs;
import io.sightline.storage.io.MemoryTag;

import java.util.ArrayList;
import java.util.List;

/**
 * The storage module's self-metrics, named in one place. Counters and gauges are read from the engine
 * when the SDK collects, so the append path only bumps plain counters it already keeps.
 *
 * <p>Relationships worth alerting on: {@code sightline_storage_samples_rejected_total} growing against
 * {@code sightline_storage_samples_appended_total} (clients sending old or duplicate data);
 * {@code sightline_storage_head_series} approaching {@code storage.max_series} (new series will be
 * refused with reason {@code limit}); {@code sightline_storage_wal_fsync_duration_seconds} above the
 * commit latency budget (slow disk); {@code sightline_storage_compactions_total{result="failure"}} rising (blocks
 * are not being cut, so the head and WAL grow).
 */
final class StorageMetrics implements AutoCloseable {
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
    private static final AttributeKey<String> TAG = AttributeKey.stringKey("tag");
    private static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
    private static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");

    private final Meter meter;
    private final DoubleHistogram fsyncSeconds;
    private final DoubleHistogram walWriteSeconds;
    private final DoubleHistogram compactionSeconds;
    private final LongCounter compactions;
    private final List<AutoCloseable> callbacks = new ArrayList<>();

    StorageMetrics(Meter meter) {
        this.meter = meter;
        this.fsyncSeconds = meter.histogramBuilder("sightline_storage_wal_fsync_duration_seconds")
                .setDescription("Duration of WAL fsyncs.").setUnit("s").build();
        this.walWriteSeconds = meter.histogramBuilder("sightline_storage_wal_write_duration_seconds")
                .setDescription("Duration of WAL segment writes, without fsync.").setUnit("s").build();
        this.compactionSeconds = meter.histogramBuilder("sightline_storage_compaction_duration_seconds")
                .setDescription("Duration of block cuts and compactions, by kind.").setUnit("s").build();
        this.compactions = meter.counterBuilder("sightline_storage_compactions_total")
                .setDescription("Block cuts from the head and block merges, by kind and result.").build();
        // Every kind and result exists from start-up, so increase() and absent() work before the first run.
        for (String kind : new String[] {Runs.HEAD_CUT, Runs.MERGE}) {
            for (String result : new String[] {"success", "failure"}) {
                compactions.add(0, Attributes.of(KIND, kind, RESULT, result));
            }
        }
    }

    /** Registers the callbacks that read the engine's state. */
    void bind(StorageEngine engine) {
        ObservableLongGauge series = meter.gaugeBuilder("sightline_storage_head_series").ofLongs()
                .setDescription("Series in the in-memory head.")
                .buildWithCallback(m -> m.record(engine.head().seriesCount()));
        callbacks.add(series);
        ObservableLongCounter appended = meter.counterBuilder("sightline_storage_samples_appended_total")
                .setDescription("Samples stored by commits.")
                .buildWithCallback(m -> m.record(engine.head().appended()));
        callbacks.add(appended);
        ObservableLongCounter rejected = meter.counterBuilder("sightline_storage_samples_rejected_total")
                .setDescription("Samples refused, by reason.")
                .buildWithCallback(m -> {
                    for (RejectReason r : RejectReason.values()) {
                        m.record(engine.head().rejected(r), Attributes.of(REASON, r.name().toLowerCase(java.util.Locale.ROOT)));
                    }
                });
        callbacks.add(rejected);
        ObservableLongGauge blocks = meter.gaugeBuilder("sightline_storage_blocks").ofLongs()
                .setDescription("Immutable blocks on disk.")
                .buildWithCallback(m -> m.record(engine.stats().blocks()));
        callbacks.add(blocks);
        callbacks.add(meter.gaugeBuilder("sightline_storage_blocks_damaged").ofLongs()
                .setDescription("Damaged blocks found at start and moved aside (renamed *.damaged): their samples are not served.")
                .buildWithCallback(m -> m.record(engine.blocks().damagedAtOpen())));
        ObservableLongGauge blockBytes = meter.gaugeBuilder("sightline_storage_block_bytes").ofLongs()
                .setDescription("Bytes of the immutable blocks' index and chunk files.").setUnit("By")
                .buildWithCallback(m -> {
                    long sum = 0;
                    for (BlockReader b : engine.blocks().all()) {
                        sum += b.bytes();
                    }
                    m.record(sum);
                });
        callbacks.add(blockBytes);
        HeadChunkFiles chunkFiles = engine.head().chunkFiles();
        if (chunkFiles != null) {
            callbacks.add(meter.gaugeBuilder("sightline_storage_head_chunk_file_bytes").ofLongs()
                    .setDescription("Bytes of the head's sealed chunks in its chunk files (read through a mapping, not held in memory).")
                    .setUnit("By")
                    .buildWithCallback(m -> m.record(chunkFiles.bytesOnDisk())));
            callbacks.add(meter.counterBuilder("sightline_storage_head_chunks_written_total")
                    .setDescription("Sealed head chunks moved from memory to the chunk files.")
                    .buildWithCallback(m -> m.record(chunkFiles.chunksWritten())));
            callbacks.add(meter.counterBuilder("sightline_storage_head_chunk_write_failures_total")
                    .setDescription("Failed writes to the head chunk files; their chunks stayed in memory.")
                    .buildWithCallback(m -> m.record(chunkFiles.writeFailures())));
        }
        ObservableLongGauge memory = meter.gaugeBuilder("sightline_storage_offheap_bytes").ofLongs()
                .setDescription("Off-heap and mapped bytes, by tag.").setUnit("By")
                .buildWithCallback(m -> {
                    for (MemoryTag t : MemoryTag.values()) {
                        m.record(engine.allocator().bytes(t), Attributes.of(TAG, t.name().toLowerCase(java.util.Locale.ROOT)));
                    }
                });
        callbacks.add(memory);
    }

    void recordFsync(long nanos) {
        fsyncSeconds.record(nanos / 1e9);
    }

    void recordWalWrite(long nanos) {
        walWriteSeconds.record(nanos / 1e9);
    }

    void recordCompaction(String kind, boolean succeeded, long nanos) {
        compactions.add(1, Attributes.of(KIND, kind, RESULT, succeeded ? "success" : "failure"));
        if (succeeded) {
            compactionSeconds.record(nanos / 1e9, Attributes.of(KIND, kind));
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : callbacks) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("BUG: closing a metric callback failed", e);
            }
        }
        callbacks.clear();
    }
}
