package io.sightline.storage.traces;

import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.StorageException;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The trace store: commits go to the WAL and then the head under one write lock; a maintenance job cuts the
 * head into a segment by age or size, applies retention and fsyncs the WAL. Segment {@code seg-N} holds every
 * span of WAL files below {@code N}, which is how a restart knows which WAL files to replay.
 */
public final class TraceEngine implements TraceStore {
    private static final Logger log = LoggerFactory.getLogger(TraceEngine.class);
    static final String WAL_DIR = "wal";

    private final TraceStoreConfig config;
    private final InstantSource clock;
    private final TaggedAllocator allocator;
    private final FileFacade files;
    private final TraceWal wal;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Object cutLock = new Object();
    private final ScheduledExecutorService jobs;
    private final LongCounter appended;
    private TraceHead head = new TraceHead();
    /** The head being written into a segment; still read by queries until the segment is published. */
    private TraceHead flushing;
    /** Guarded by the write lock; read under either lock. */
    private long lastSequence;
    private volatile boolean isClosed;

    private TraceEngine(TraceStoreConfig config, Meter meter, InstantSource clock, FileFacade files) {
        this.config = config;
        this.clock = clock;
        this.files = files;
        this.allocator = new TaggedAllocator(files);
        this.wal = new TraceWal(config.dir().resolve(WAL_DIR), allocator, config.walSyncMode());
        this.appended = meter.counterBuilder("sightline_traces_spans_appended_total")
                .setDescription("Spans committed to the trace store").build();
        meter.gaugeBuilder("sightline_traces_head_spans").ofLongs().setDescription("Spans in the trace store's head")
                .buildWithCallback(m -> m.record(headSpans()));
        this.jobs = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sightline-trace-store");
            t.setDaemon(true);
            return t;
        });
    }

    public static TraceStore open(TraceStoreConfig config, Meter meter) {
        return open(config, meter, InstantSource.system(), DefaultFileFacade.INSTANCE);
    }

    /** Opens with an injected clock and file facade (tests). */
    public static TraceEngine open(TraceStoreConfig config, Meter meter, InstantSource clock, FileFacade files) {
        TraceEngine engine = new TraceEngine(config, meter, clock, files);
        try {
            engine.load();
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        engine.jobs.scheduleWithFixedDelay(engine::maintain, 1, 1, TimeUnit.SECONDS);
        return engine;
    }

    private void load() {
        Path dir = config.dir();
        int covered = 0;
        try {
            files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot open the trace store under " + dir + ": " + e.getMessage(), e);
        }
        long now = clock.millis();
        TraceHead h = head;
        int next = TraceWal.replay(dir.resolve(WAL_DIR), allocator, covered, (seq, spans) -> {
            lastSequence = Math.max(lastSequence, seq);
            if (!spans.isEmpty()) {
                h.add(seq, spans, now);
            }
        });
        wal.openFile(Math.max(next, Math.max(covered, 1)), lastSequence); // numbering starts at 1
        wal.deleteBefore(covered);
        log.info("trace store open [dir={}, replayedSpans={}, lastSequence={}]", dir, h.spans(), lastSequence);
    }

    @Override
    public SpanAppender appender() {
        return new Appender();
    }

    /** Throws naming the field when a span's ids are not what the segment format stores. */
    static void checkIds(Span s) {
        Ids.check("trace id", s.traceId(), Ids.TRACE_BYTES);
        Ids.check("span id", s.spanId(), Ids.SPAN_BYTES);
        if (!s.parentSpanId().isEmpty()) {
            Ids.check("parent span id", s.parentSpanId(), Ids.SPAN_BYTES);
        }
        for (SpanLink l : s.links()) {
            Ids.checkAnyLength("link trace id", l.traceId());
            Ids.checkAnyLength("link span id", l.spanId());
        }
    }

    private long commit(List<Span> spans) {
        if (isClosed) {
            throw new StorageException("the trace store is closed");
        }
        long now = clock.millis();
        long seq;
        boolean isFull;
        lock.writeLock().lock();
        try {
            seq = lastSequence + 1;
            wal.log(seq, spans);
            lastSequence = seq;
            head.add(seq, spans, now);
            isFull = head.bytes() >= config.maxHeadBytes();
        } finally {
            lock.writeLock().unlock();
        }
        appended.add(spans.size());
        if (isFull) {
            jobs.execute(this::cutIfDue);
        }
        return seq;
    }

    private void maintain() {
        try {
            if (config.walSyncMode() == WalSyncMode.INTERVAL) {
                wal.sync();
            }
            cutIfDue();
            applyRetention();
        } catch (RuntimeException e) {
            log.error("trace store maintenance failed [error={}]", e.toString());
        }
    }

    private void cutIfDue() {
        boolean isDue;
        lock.readLock().lock();
        try {
            isDue = head.spans() > 0 && (head.bytes() >= config.maxHeadBytes()
                    || clock.millis() - head.firstAppendMillis() >= config.segmentDurationMillis());
        } finally {
            lock.readLock().unlock();
        }
        if (isDue) {
            cutSegment();
        }
    }

    @Override
    public void cutSegment() {
        // Segments follow in the next step; until then the head and WAL keep everything.
    }

    @Override
    public int applyRetention() {
        return 0;
    }

    @Override
    public long lastSequence() {
        lock.readLock().lock();
        try {
            return lastSequence;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void forEachSince(long afterSequence, CommitVisitor visitor) {
        List<TraceHead.Commit> commits = new ArrayList<>();
        lock.readLock().lock();
        try {
            if (flushing != null) {
                commitsAfter(flushing, afterSequence, commits);
            }
            commitsAfter(head, afterSequence, commits);
        } finally {
            lock.readLock().unlock();
        }
        for (TraceHead.Commit c : commits) {
            visitor.commit(c.sequence(), c.spans());
        }
    }

    /** Appends the commits of {@code h} after {@code after}; they are in sequence order, so a binary search finds the first. */
    private static void commitsAfter(TraceHead h, long after, List<TraceHead.Commit> out) {
        List<TraceHead.Commit> all = h.commits();
        int lo = 0;
        int hi = all.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (all.get(mid).sequence() <= after) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        out.addAll(all.subList(lo, all.size()));
    }

    @Override
    public TraceQuerier querier(long minNanos, long maxNanos) {
        if (minNanos > maxNanos) {
            throw new IllegalArgumentException("trace querier range is empty: min " + minNanos + " > max " + maxNanos);
        }
        return new EngineQuerier(this, minNanos, maxNanos);
    }

    /** Runs {@code reader} over the heads (being flushed, then active) under the read lock. */
    void readHeads(java.util.function.Consumer<TraceHead> reader) {
        lock.readLock().lock();
        try {
            if (flushing != null) {
                reader.accept(flushing);
            }
            reader.accept(head);
        } finally {
            lock.readLock().unlock();
        }
    }

    private long headSpans() {
        lock.readLock().lock();
        try {
            return head.spans() + (flushing == null ? 0 : flushing.spans());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        if (isClosed) {
            return;
        }
        isClosed = true;
        jobs.shutdown();
        try {
            jobs.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (cutLock) {
            lock.writeLock().lock();
            try {
                wal.close();
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    private final class Appender implements SpanAppender {
        private List<Span> pending = new ArrayList<>();

        @Override
        public void append(Span span) {
            checkIds(span);
            pending.add(span);
        }

        @Override
        public int pending() {
            return pending.size();
        }

        @Override
        public long commit() {
            if (pending.isEmpty()) {
                return 0;
            }
            // Unmodifiable: the head and forEachSince visitors share this list.
            List<Span> batch = Collections.unmodifiableList(pending);
            pending = new ArrayList<>();
            return TraceEngine.this.commit(batch);
        }

        @Override
        public void rollback() {
            pending = new ArrayList<>();
        }
    }
}
