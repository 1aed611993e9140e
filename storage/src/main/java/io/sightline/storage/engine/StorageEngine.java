package io.sightline.storage.engine;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.StorageException;
import io.sightline.storage.StorageStats;
import io.sightline.storage.head.Head;
import io.sightline.storage.head.HeadLog;
import io.sightline.storage.index.MemSeriesIndex;
import io.sightline.storage.index.PartReader;
import io.sightline.storage.index.SeriesIndex;
import io.sightline.storage.model.MetricMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metrics store: series registry, WAL, head and blocks wired together. Thread-safe. Obtain through
 * {@link Storage#open(StorageConfig, Meter)}.
 */
public final class StorageEngine implements Storage {
    private final StorageConfig config;
    private final SeriesIndex registry;
    private final Head head;
    private volatile boolean isClosed;

    private StorageEngine(StorageConfig config, SeriesIndex registry, Head head) {
        this.config = config;
        this.registry = registry;
        this.head = head;
    }

    /** Opens (creating when missing) the store under {@code config.dataDir()}. */
    public static StorageEngine open(StorageConfig config, Meter meter) {
        SeriesIndex registry = new MemSeriesIndex(config.maxSeries());
        Head head = new Head(config, registry, HeadLog.NONE);
        return new StorageEngine(config, registry, head);
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
        registry.close();
    }
}
