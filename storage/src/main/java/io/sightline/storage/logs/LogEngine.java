package io.sightline.storage.logs;

import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.StorageException;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.segment.SegmentLifecycle;
import io.sightline.storage.segment.SegmentList;
import io.sightline.storage.segment.StoreJobs;
import io.sightline.storage.model.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The log store: commits go to the WAL and then the head under one write lock; a maintenance job cuts the
 * head into a segment by age or size, applies retention and fsyncs the WAL. Segment {@code seg-N} holds
 * every record of WAL files below {@code N}, which is how a restart knows which WAL files to replay.
 */
public final class LogEngine implements LogStore {
    private static final Logger log = LoggerFactory.getLogger(LogEngine.class);
    static final String WAL_DIR = "wal";

    private final LogStoreConfig config;
    private final InstantSource clock;
    private final TaggedAllocator allocator;
    private final FileFacade files;
    private final LogWal wal;
    private final SegmentWriter writer;
    /** The head, the head being written (read by queries until its segment is published) and the segments. */
    private final SegmentLifecycle<LogHead, Segment> cycle;
    private final ReentrantReadWriteLock lock;
    private static final long MAX_WAIT_NANOS = 5_000_000_000L;
    /** How many times {@code logs.max_head_bytes} the head may hold while the previous one is being written. */
    static final int HEAD_LIMITS_WHILE_CUTTING = 2;
    private final SegmentList<Segment> segments;
    private final StoreJobs jobs = new StoreJobs("sightline-log-store", "log store", log);
    /** The second thread of a narrowed line search ({@link ParallelPageScan}); the query's own thread is the first. */
    private final java.util.concurrent.ExecutorService scanner;
    private final ParallelPageScan pageScan;
    private final LongCounter appended;
    private final LongCounter throttled;
    private final LogCompactor compactor;
    private final CopyOnWriteArrayList<Consumer<List<LogRecord>>> listeners = new CopyOnWriteArrayList<>();

    private LogEngine(LogStoreConfig config, Meter meter, InstantSource clock, FileFacade files) {
        this.config = config;
        this.clock = clock;
        this.files = files;
        this.allocator = new TaggedAllocator(files);
        this.wal = new LogWal(config.dir().resolve(WAL_DIR), allocator, config.walSyncMode());
        this.writer = new SegmentWriter(allocator);
        // Its room condition is signalled under the write lock when a cut publishes its segment (see awaitRoom).
        this.cycle = new SegmentLifecycle<>("log", "records", LogHead::new, SegmentLifecycle.Wake.WHEN_PUBLISHED,
                config.dir(), files, new Cut(), log);
        this.lock = cycle.lock();
        this.segments = cycle.segments();
        this.appended = meter.counterBuilder("sightline_storage_log_records_appended_total")
                .setDescription("Log records committed to the log store").build();
        this.throttled = meter.counterBuilder("sightline_storage_log_commits_throttled_total")
                .setDescription("Log commits refused because the head was full while a segment was written").build();
        this.compactor = new LogCompactor(config.dir(), allocator, writer);
        segments.registerGauges(meter, "sightline_storage_log_segments", "Log segments on disk",
                "sightline_storage_log_segment_bytes", "Bytes of log segments on disk");
        this.scanner = Executors.newSingleThreadExecutor(StoreJobs.daemon("sightline-log-scan"));
        this.pageScan = new ParallelPageScan(scanner);
    }

    public static LogStore open(LogStoreConfig config, Meter meter) {
        return open(config, meter, InstantSource.system(), DefaultFileFacade.INSTANCE);
    }

    /** Opens with an injected clock and file facade (tests). */
    public static LogEngine open(LogStoreConfig config, Meter meter, InstantSource clock, FileFacade files) {
        return open(config, meter, clock, files, true);
    }

    /** {@code maintenance = false}: no periodic cut, retention, compaction or fsync (tests that step them by hand). */
    static LogEngine open(LogStoreConfig config, Meter meter, InstantSource clock, FileFacade files, boolean maintenance) {
        LogEngine engine = new LogEngine(config, meter, clock, files);
        try {
            engine.load();
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        if (maintenance) {
            engine.jobs.everySecond(engine::maintain);
        }
        return engine;
    }

    private void load() {
        Path dir = config.dir();
        int covered = 0;
        try {
            files.createDirectories(dir);
            LogCompactor.recover(dir, files);
            covered = segments.load(dir, files, p -> Segment.open(p, allocator));
        } catch (IOException e) {
            throw new StorageException("cannot open the log store under " + dir + ": " + e.getMessage(), e);
        }
        long now = clock.millis();
        LogHead h = cycle.head();
        int next = LogWal.replay(dir.resolve(WAL_DIR), allocator, covered, r -> h.add(r, now));
        wal.start(Math.max(next, Math.max(covered, 1))); // numbering starts at 1
        wal.deleteBefore(covered);
        log.info("log store open [dir={}, segments={}, replayed={}]", dir, segments.size(), h.records());
    }

    @Override
    public LogAppender appender() {
        return new Appender();
    }

    private void commit(List<LogRecord> records) {
        if (cycle.isClosed()) {
            throw new StorageException("the log store is closed");
        }
        long now = clock.millis();
        boolean isFull;
        io.sightline.storage.io.ByteSink encoded = wal.encode(records); // outside the lock: requests encode in parallel
        lock.writeLock().lock();
        try {
            awaitRoom(encoded);
            wal.write(encoded);
            LogHead head = cycle.head();
            for (LogRecord r : records) {
                head.add(r, now);
            }
            isFull = head.bytes() >= config.maxHeadBytes();
        } finally {
            lock.writeLock().unlock();
        }
        appended.add(records.size());
        notifyListeners(records);
        if (isFull) {
            jobs.execute(this::cutIfDue);
        }
    }

    /**
     * Back-pressure, only when the store is truly behind: while a segment is being written, the new head may grow to
     * {@link #HEAD_LIMITS_WHILE_CUTTING} times {@code logs.max_head_bytes} (it is cut as soon as the running cut ends);
     * past that a commit waits up to {@link #MAX_WAIT_NANOS} for the cut to finish, then fails (ingest answers 503
     * with a retry hint), so that memory stays near three times {@code logs.max_head_bytes} however fast records
     * arrive. Stopping the commits at one full head made every commit wait for most of each cut on a fast stream
     * (JFR: the ingest threads parked a third of a 1 GB run). Under the write lock.
     */
    private void awaitRoom(io.sightline.storage.io.ByteSink encoded) {
        long left = MAX_WAIT_NANOS;
        try {
            while (cycle.flushing() != null && cycle.head().bytes() >= HEAD_LIMITS_WHILE_CUTTING * config.maxHeadBytes()) {
                if (left <= 0) {
                    throttled.add(1);
                    throw new StorageException("the log store is writing a segment and its new head holds " + cycle.head().bytes()
                            + " bytes, " + HEAD_LIMITS_WHILE_CUTTING + " x logs.max_head_bytes=" + config.maxHeadBytes()
                            + "; retry shortly, or raise logs.max_head_bytes if this happens often");
                }
                left = cycle.roomMade().awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            wal.discard(encoded);
            throw new StorageException("interrupted while waiting for a log segment cut");
        } catch (StorageException e) {
            wal.discard(encoded);
            throw e;
        }
    }

    private void notifyListeners(List<LogRecord> records) {
        for (Consumer<List<LogRecord>> l : listeners) {
            try {
                l.accept(records);
            } catch (RuntimeException e) {
                log.warn("a log store listener failed; the records are stored [error={}]", e.toString());
            }
        }
    }

    @Override
    public Subscription subscribe(Consumer<List<LogRecord>> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void maintain() {
        if (config.walSyncMode() == WalSyncMode.INTERVAL) {
            wal.sync();
        }
        cutIfDue();
        applyRetention();
        compact();
    }

    private void cutIfDue() {
        if (cycle.isCutDue(config.maxHeadBytes(), config.segmentDurationMillis(), clock)) {
            cutSegment();
        }
    }

    @Override
    public void cutSegment() {
        cycle.cut();
    }

    @Override
    public int applyRetention() {
        return cycle.applyRetention((clock.millis() - config.retentionMillis()) * 1_000_000L, config.retentionBytes());
    }

    /**
     * Merges runs of small segments ({@link LogCompactor}) so that a quiet store does not end up with one small
     * segment per hour for its whole retention. Runs on the maintenance thread, never beside a cut.
     */
    void compact() {
        compact(LogCompactor.MIN_RUN);
    }

    /** As {@link #compact()}, merging runs of at least {@code minRun} small segments (tests merge any two). */
    void compact(int minRun) {
        synchronized (cycle.cutLock()) {
            if (cycle.isClosed()) {
                return;
            }
            List<Segment> run = LogCompactor.pickRun(segments.snapshot(), config.maxHeadBytes(), minRun);
            if (run.isEmpty()) {
                return;
            }
            for (Segment s : run) {
                if (!s.acquire()) {
                    return; // retention took it meanwhile
                }
            }
            Segment merged;
            try {
                merged = compactor.merge(run);
            } catch (IOException | RuntimeException e) {
                log.error("log segment compaction failed, the segments stay as they were [error={}]", e.toString());
                return;
            } finally {
                run.forEach(Segment::release);
            }
            lock.writeLock().lock();
            try {
                segments.replace(run, merged);
            } finally {
                lock.writeLock().unlock();
            }
            run.forEach(Segment::release); // the store's own reference: unmapped once queriers let go
            log.info("log segments compacted [into={}, from={}, records={}, bytes={}]", merged.dir(), run.size(),
                    merged.records(), merged.bytes());
        }
    }

    @Override
    public LogQuerier querier(long minNanos, long maxNanos) {
        List<Segment> held;
        lock.readLock().lock(); // a compaction swaps segments under the write lock: no querier sees both or neither
        try {
            held = segments.acquireOverlapping(minNanos, maxNanos, new ArrayList<>());
        } finally {
            lock.readLock().unlock();
        }
        return new EngineQuerier(this, held, minNanos, maxNanos);
    }

    int segmentCount() {
        return segments.size();
    }

    ParallelPageScan pageScan() {
        return pageScan;
    }

    /** Runs {@code reader} over the heads (active and being flushed) under the read lock. */
    void readHeads(java.util.function.Consumer<LogHead> reader) {
        lock.readLock().lock();
        try {
            LogHead flushing = cycle.flushing();
            if (flushing != null) {
                reader.accept(flushing);
            }
            reader.accept(cycle.head());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        if (!cycle.markClosed()) {
            return;
        }
        scanner.shutdown();
        jobs.shutdownAndWait();
        synchronized (cycle.cutLock()) {
            lock.writeLock().lock();
            try {
                wal.close();
                segments.releaseAll();
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** The log store's own steps of a cut and of retention. */
    private final class Cut implements SegmentLifecycle.Steps<LogHead, Segment> {
        @Override
        public int nextWalFile() {
            int walNumber = wal.number() + 1;
            wal.openFile(walNumber);
            return walNumber;
        }

        @Override
        public Segment write(LogHead frozen, int walNumber) throws IOException {
            Path dir = writer.write(config.dir(), walNumber, frozen.streams());
            return Segment.open(dir, allocator);
        }

        @Override
        public LogHead restore(LogHead frozen, LogHead head) {
            long now = clock.millis();
            frozen.streams().values().forEach(rs -> rs.forEach(r -> head.add(r, now)));
            return head;
        }

        @Override
        public void published(Segment segment, int walNumber) {
            wal.deleteBefore(walNumber);
            log.info("log segment cut [dir={}, records={}, bytes={}]", segment.dir(), segment.records(), segment.bytes());
        }

        @Override
        public void deleted(Segment s, String reason) {
            log.info("log segment deleted by retention [dir={}, reason={}, bytes={}]", s.dir(), reason, s.bytes());
        }
    }

    private final class Appender implements LogAppender {
        private List<LogRecord> pending = new ArrayList<>();

        @Override
        public void append(LogRecord record) {
            pending.add(record);
        }

        @Override
        public int pending() {
            return pending.size();
        }

        @Override
        public void commit() {
            if (pending.isEmpty()) {
                return;
            }
            List<LogRecord> batch = pending;
            pending = new ArrayList<>();
            LogEngine.this.commit(batch);
        }

        @Override
        public void rollback() {
            pending = new ArrayList<>();
        }
    }
}
