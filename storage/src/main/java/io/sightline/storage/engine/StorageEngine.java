package io.sightline.storage.engine;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.StorageException;
import io.sightline.storage.StorageStats;
import io.sightline.storage.block.BlockReader;
import io.sightline.storage.block.BlockSet;
import io.sightline.storage.compact.Compactor;
import io.sightline.storage.compact.StorageJobs;
import io.sightline.storage.head.Head;
import io.sightline.storage.head.HeadChunkFiles;
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
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metrics store: series registry, WAL, head, blocks and background jobs wired together. Thread-safe.
 * Obtain through {@link Storage#open(StorageConfig, Meter)}.
 *
 * <p>Open order: registry, blocks, head (refusing samples older than the newest block), WAL replay into
 * the head, WAL writer, background jobs. Close runs it backwards.
 */
public final class StorageEngine implements Storage {
    static final String INDEX_DIR = "index";
    static final String SNAPSHOTS_DIR = "snapshots";
    private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How often the background job looks for work when no commit wakes it. */
    private static final long JOB_PERIOD_MILLIS = 30_000;
    /** How long a head truncation waits for queriers opened before the block cut. */
    private static final long READER_WAIT_MILLIS = 120_000;

    private static final Logger log = LoggerFactory.getLogger(StorageEngine.class);

    private final StorageConfig config;
    private final TaggedAllocator allocator;
    private final DataDirLock lock;
    private final ChronicleSeriesIndex registry;
    private final WalWriter wal;
    private final Head head;
    private final BlockSet blocks;
    private final Compactor compactor;
    private final StorageMetrics metrics;
    private final StorageJobs jobs;
    private final ReaderTracker readers = new ReaderTracker();
    private volatile boolean isClosed;

    private StorageEngine(StorageConfig config, TaggedAllocator allocator, DataDirLock lock, ChronicleSeriesIndex registry,
                          WalWriter wal, Head head, BlockSet blocks, StorageMetrics metrics, boolean hasBackgroundJobs) {
        this.config = config;
        this.allocator = allocator;
        this.lock = lock;
        this.registry = registry;
        this.wal = wal;
        this.head = head;
        this.blocks = blocks;
        this.metrics = metrics;
        this.compactor = new Compactor(head, blocks, wal, config.blockDurationMillis(), config.retentionMillis(),
                config.retentionBytes(),
                metrics::recordCompaction, () -> readers.awaitEarlierReaders(READER_WAIT_MILLIS));
        this.jobs = hasBackgroundJobs ? new StorageJobs(compactor, JOB_PERIOD_MILLIS) : null;
        if (jobs != null) {
            head.afterCommit(() -> {
                if (compactor.isHeadCuttable()) {
                    jobs.trigger();
                }
            });
        }
    }

    /** Opens (creating when missing) the store under {@code config.dataDir()}, replaying the WAL. */
    public static StorageEngine open(StorageConfig config, Meter meter) {
        return open(config, meter, DefaultFileFacade.INSTANCE, true);
    }

    /**
     * As {@link #open(StorageConfig, Meter)}, with file access through {@code files} (tests inject faults)
     * and, unless {@code hasBackgroundJobs}, no background thread: tests then cut and expire blocks
     * themselves, deterministically.
     */
    static StorageEngine open(StorageConfig config, Meter meter, FileFacade files, boolean hasBackgroundJobs) {
        TaggedAllocator allocator = new TaggedAllocator(files);
        Path dir = config.dataDir();
        try {
            files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        DataDirLock lock = DataDirLock.acquire(dir, files);
        StorageMetrics metrics = new StorageMetrics(meter);
        ChronicleSeriesIndex registry;
        try {
            registry = ChronicleSeriesIndex.open(dir.resolve(INDEX_DIR), config.maxSeries(), allocator);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        BlockSet blocks = null;
        WalWriter wal = null;
        Head head = null;
        try {
            blocks = BlockSet.open(dir, allocator);
            wal = new WalWriter(dir, allocator, config.walSyncMode(), config.walSyncIntervalMillis(),
                    config.walSegmentSizeBytes(), metrics::recordFsync, metrics::recordWalWrite);
            head = new Head(config, registry, wal, HeadChunkFiles.open(dir, allocator));
            if (!blocks.all().isEmpty()) {
                head.setMinValidTime(blocks.maxTime(), 0);
            }
            WalReplayer.Result replayed = WalReplayer.replay(dir, allocator, head);
            wal.start(replayed);
            StorageEngine engine = new StorageEngine(config, allocator, lock, registry, wal, head, blocks, metrics, hasBackgroundJobs);
            metrics.bind(engine);
            log.info("storage opened [dir={}, blocks={}, headSeries={}, walSamples={}, walTruncations={}]",
                    dir, blocks.all().size(), head.seriesCount(), replayed.samples(), replayed.truncations());
            return engine;
        } catch (RuntimeException e) {
            if (head != null) {
                head.close();
            }
            if (wal != null) {
                wal.close();
            }
            if (blocks != null) {
                blocks.close();
            }
            registry.close();
            lock.close();
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
        long epoch = readers.open();
        List<BlockReader> pinned = blocks.acquire(minTimeMillis, maxTimeMillis);
        List<PartReader> parts = new ArrayList<>(pinned.size() + 1);
        parts.addAll(pinned);
        if (head.minTime() <= maxTimeMillis && head.maxTime() >= minTimeMillis) {
            parts.add(head);
        }
        return new EngineQuerier(parts, minTimeMillis, maxTimeMillis, () -> {
            pinned.forEach(BlockReader::release);
            readers.close(epoch);
        });
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
    public String snapshot() {
        ensureOpen();
        long start = System.nanoTime();
        String name = SNAPSHOT_TIME.format(Instant.now()) + "-" + HexFormat.of().toHexDigits(RANDOM.nextLong());
        Path target = config.dataDir().resolve(SNAPSHOTS_DIR).resolve(name);
        int written = compactor.snapshot(target, registry.labelsFile());
        log.info("snapshot written [dir={}, blocks={}, ms={}]", target, written, (System.nanoTime() - start) / 1_000_000);
        return name;
    }

    @Override
    public StorageStats stats() {
        return new StorageStats(head.seriesCount(), head.minTime(), head.maxTime(), blocks.all().size());
    }

    /** Cuts blocks from the head now if it spans enough time; for tests and benchmarks. Returns blocks written. */
    int cutBlocks() {
        return compactor.cutHead();
    }

    /** Moves the whole head into blocks now; for tests. Returns blocks written. */
    int flushHead() {
        return compactor.flushHead();
    }

    /** Merges adjacent blocks now; for tests. Returns blocks written. */
    int compactBlocks() {
        return compactor.compactBlocks();
    }

    /** Applies retention now; returns blocks deleted. */
    int applyRetention() {
        return compactor.applyRetention();
    }

    Head head() {
        return head;
    }

    BlockSet blocks() {
        return blocks;
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
        if (jobs != null) {
            jobs.close();
        }
        metrics.close();
        head.close();
        wal.close();
        blocks.close();
        registry.close();
        lock.close();
        log.info("storage closed [dir={}]", config.dataDir());
    }
}
