package io.sightline.storage.engine;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.StorageException;
import io.sightline.storage.StorageStats;
import io.sightline.storage.head.Head;
import io.sightline.storage.index.ChronicleSeriesIndex;
import io.sightline.storage.index.PartReader;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.MetricMetadata;
import io.sightline.storage.wal.WalReplayer;
import io.sightline.storage.wal.WalWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metrics store: series registry, WAL, head and blocks wired together. Thread-safe. Obtain through
 * {@link Storage#open(StorageConfig, Meter)}.
 */
public final class StorageEngine implements Storage {
    static final String INDEX_DIR = "index";

    private static final Logger log = LoggerFactory.getLogger(StorageEngine.class);

    private final StorageConfig config;
    private final TaggedAllocator allocator;
    private final ChronicleSeriesIndex registry;
    private final WalWriter wal;
    private final Head head;
    private final StorageMetrics metrics;
    private volatile boolean isClosed;

    private StorageEngine(StorageConfig config, TaggedAllocator allocator, ChronicleSeriesIndex registry, WalWriter wal,
                          Head head, StorageMetrics metrics) {
        this.config = config;
        this.allocator = allocator;
        this.registry = registry;
        this.wal = wal;
        this.head = head;
        this.metrics = metrics;
    }

    /** Opens (creating when missing) the store under {@code config.dataDir()}, replaying the WAL. */
    public static StorageEngine open(StorageConfig config, Meter meter) {
        return open(config, meter, DefaultFileFacade.INSTANCE);
    }

    /** As {@link #open(StorageConfig, Meter)}, with file access through {@code files} (tests inject faults). */
    static StorageEngine open(StorageConfig config, Meter meter, FileFacade files) {
        TaggedAllocator allocator = new TaggedAllocator(files);
        Path dir = config.dataDir();
        try {
            files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        StorageMetrics metrics = new StorageMetrics(meter);
        ChronicleSeriesIndex registry = ChronicleSeriesIndex.open(dir.resolve(INDEX_DIR), config.maxSeries(), allocator);
        WalWriter wal = null;
        try {
            wal = new WalWriter(dir, allocator, config.walSyncMode(), config.walSyncIntervalMillis(),
                    config.walSegmentSizeBytes(), metrics::recordFsync);
            Head head = new Head(config, registry, wal);
            WalReplayer.Result replayed = WalReplayer.replay(dir, allocator, head);
            wal.start(replayed);
            StorageEngine engine = new StorageEngine(config, allocator, registry, wal, head, metrics);
            metrics.bind(engine);
            log.info("storage opened [dir={}, series={}, walSamples={}, walTruncations={}]",
                    dir, head.seriesCount(), replayed.samples(), replayed.truncations());
            return engine;
        } catch (RuntimeException e) {
            if (wal != null) {
                wal.close();
            }
            registry.close();
            throw e;
        }
    }

    @Override
    public Appender appender() {
        ensureOpen();
        return head.appender();
    }

    @Override
    public Querier querier(long minTimeMillis, long maxTimeMillis) {
        ensureOpen();
        List<PartReader> parts = new ArrayList<>(1);
        if (head.minTime() <= maxTimeMillis && head.maxTime() >= minTimeMillis) {
            parts.add(head);
        }
        return new EngineQuerier(parts, minTimeMillis, maxTimeMillis, () -> { });
    }

    @Override
    public Map<String, List<MetricMetadata>> metadata(String metric, int limit) {
        Map<String, List<MetricMetadata>> result = new TreeMap<>();
        for (Map.Entry<String, MetricMetadata> e : new TreeMap<>(head.metadata()).entrySet()) {
            if (limit > 0 && result.size() >= limit) {
                break;
            }
            if (metric == null || metric.equals(e.getKey())) {
                result.put(e.getKey(), List.of(e.getValue()));
            }
        }
        return result;
    }

    @Override
    public StorageStats stats() {
        return new StorageStats(head.seriesCount(), head.minTime(), head.maxTime(), 0);
    }

    Head head() {
        return head;
    }

    TaggedAllocator allocator() {
        return allocator;
    }

    private void ensureOpen() {
        if (isClosed) {
            throw new StorageException("storage at " + config.dataDir() + " is closed");
        }
    }

    @Override
    public void close() {
        if (isClosed) {
            return;
        }
        isClosed = true;
        metrics.close();
        wal.close();
        registry.close();
        log.info("storage closed [dir={}]", config.dataDir());
    }
}
