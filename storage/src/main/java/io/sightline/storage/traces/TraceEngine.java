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
import io.sightline.storage.segment.SegmentLifecycle;
import io.sightline.storage.segment.SegmentList;
import io.sightline.storage.segment.StoreJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The trace store: commits go to the WAL and then the head under one write lock; a maintenance job cuts the
 * head into a segment by age or size, applies retention and fsyncs the WAL. Segment {@code seg-N} holds every
 * span of WAL files below {@code N}, which is how a restart knows which WAL files to replay.
 */
public final class TraceEngine implements TraceStore {
    private static final Logger log = LoggerFactory.getLogger(TraceEngine.class);
    static final String WAL_DIR = "wal";
    /**
     * How long a commit waits for room when the head is at twice its limit before it fails (nothing stored): long
     * enough for a cut of a full head on a starved machine, short of a client's usual export timeout.
     */
    private static final long ROOM_WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final TraceStoreConfig config;
    private final InstantSource clock;
    private final TaggedAllocator allocator;
    private final FileFacade files;
    private final TraceWal wal;
    private final SegmentWriter writer;
    /** The head, the head being written (read by queries until its segment is published) and the segments. */
    private final SegmentLifecycle<TraceHead, Segment> cycle;
    private final SegmentList<Segment> segments;
    /**
     * Null until the store has a segment or an index file: a fresh Chronicle Map is several MB resident, which a
     * metrics- or logs-only server should not pay for. Created by the first cut (job thread, under the cut lock).
     */
    private volatile TraceIndex index;
    private static final int[] NO_SEGMENTS = new int[0];
    private final LongCounter cuts;
    private final LongCounter expired;
    private final ReentrantReadWriteLock lock;
    private final AtomicBoolean cutRequested = new AtomicBoolean();
    private final StoreJobs jobs = new StoreJobs("sightline-trace-store", "trace store", log);
    private final LongCounter appended;
    /** Guarded by the write lock; read under either lock. */
    private long lastSequence;

    private TraceEngine(TraceStoreConfig config, Meter meter, InstantSource clock, FileFacade files) {
        this.config = config;
        this.clock = clock;
        this.files = files;
        this.allocator = new TaggedAllocator(files);
        this.wal = new TraceWal(config.dir().resolve(WAL_DIR), allocator, config.walSyncMode());
        this.writer = new SegmentWriter(allocator, config.indexedAttributes());
        // Its room condition is signalled (under the write lock) when a cut takes the head, gives it back after a
        // failure, or the store closes.
        this.cycle = new SegmentLifecycle<>("span", "spans", TraceHead::new, SegmentLifecycle.Wake.WHEN_TAKEN,
                config.dir(), files, new Cut(), log);
        this.segments = cycle.segments();
        this.lock = cycle.lock();
        this.appended = meter.counterBuilder("sightline_traces_spans_appended_total")
                .setDescription("Spans committed to the trace store").build();
        this.cuts = meter.counterBuilder("sightline_traces_segment_cuts_total")
                .setDescription("Span segments written from the head").build();
        this.expired = meter.counterBuilder("sightline_traces_segments_expired_total")
                .setDescription("Span segments deleted by retention").build();
        segments.registerGauges(meter, "sightline_traces_segments", "Span segments on disk",
                "sightline_traces_segment_bytes", "Bytes of span segments on disk");
        meter.gaugeBuilder("sightline_traces_segment_spans").ofLongs()
                .setDescription("Spans in span segments on disk")
                .buildWithCallback(m -> m.record(segments.snapshot().stream().mapToLong(Segment::spans).sum()));
        meter.gaugeBuilder("sightline_traces_head_spans").ofLongs().setDescription("Spans in the trace store's head")
                .buildWithCallback(m -> m.record(headSpans()));
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
        engine.jobs.everySecond(engine::maintain);
        return engine;
    }

    private void load() {
        Path dir = config.dir();
        int covered = 0;
        try {
            files.createDirectories(dir);
            covered = segments.load(dir, files, p -> Segment.open(p, allocator));
        } catch (IOException e) {
            throw new StorageException("cannot open the trace store under " + dir + ": " + e.getMessage(), e);
        }
        for (Segment s : segments) {
            lastSequence = Math.max(lastSequence, s.maxSeq());
        }
        if (segments.size() > 0 || files.exists(dir.resolve(TraceIndex.FILE))) {
            openIndex();
        }
        long now = clock.millis();
        TraceHead h = cycle.head();
        int next = TraceWal.replay(dir.resolve(WAL_DIR), allocator, covered, (seq, spans) -> {
            lastSequence = Math.max(lastSequence, seq);
            if (!spans.isEmpty()) {
                h.add(seq, spans, now);
            }
        });
        wal.start(Math.max(next, Math.max(covered, 1)), lastSequence); // numbering starts at 1
        wal.deleteBefore(covered);
        log.info("trace store open [dir={}, segments={}, replayedSpans={}, lastSequence={}]", dir, segments.size(),
                h.spans(), lastSequence);
    }

    /**
     * Opens the trace-id index and indexes the segments it has not seen (a crash between a cut and its index
     * update, or a lost index file). An index that does not open is rebuilt from the segments.
     */
    private void openIndex() {
        Path dir = config.dir();
        // Capped: the map grows by tiers (maxBloatFactor) past it, and an uncapped size from a huge head limit
        // once wrote a 66 GB file up front. An existing file keeps the size it was created with.
        long expected = Math.min(1 << 21, Math.max(1 << 14, config.maxHeadBytes() / 512));
        try {
            index = TraceIndex.open(dir, expected, files);
        } catch (StorageException e) {
            log.warn("trace-id index unusable, rebuilding it from the segments [error={}]", e.getMessage());
            TraceIndex.discard(dir, files);
            index = TraceIndex.open(dir, expected, files);
        }
        int watermark = index.watermark();
        for (Segment s : segments) {
            if (s.number() > watermark) {
                log.info("trace-id index: indexing segment [dir={}]", s.dir());
                indexSegment(s);
            }
        }
    }

    private void indexSegment(Segment s) {
        byte[] id = new byte[Ids.TRACE_BYTES];
        for (int t = 0; t < s.traceCount(); t++) {
            s.traceId(t, id);
            index.add(id, s.number());
        }
        index.setWatermark(Math.max(index.watermark(), s.number()));
    }

    @Override
    public SpanAppender appender() {
        return new Appender();
    }

    /**
     * Logs and publishes a batch whose WAL records {@code encoded} already holds: the lock covers only the
     * sequence number, one copy into the WAL and the head's map updates. The cut runs on the job thread; a commit
     * waits only when the head is at twice its limit (the cut is truly behind), before anything of it is stored.
     */
    private long commit(List<Span> spans, SpanEncoder encoded, TraceHead.BatchStats stats) {
        if (cycle.isClosed()) {
            throw new StorageException("the trace store is closed");
        }
        long now = clock.millis();
        long seq;
        long headBytes;
        lock.writeLock().lock();
        try {
            awaitRoom();
            seq = lastSequence + 1;
            wal.log(seq, spans.size(), encoded);
            lastSequence = seq;
            TraceHead head = cycle.head();
            head.add(seq, spans, now, stats);
            headBytes = head.bytes();
        } finally {
            lock.writeLock().unlock();
        }
        appended.add(spans.size());
        if (headBytes >= config.maxHeadBytes()) {
            requestCut();
        }
        return seq;
    }

    /**
     * Back-pressure, called under the write lock: while the head holds twice {@code traces.max_head_bytes} (spans
     * arrive faster than segments are written), waits for the job thread's cut to take the head. Gives up after
     * {@link #ROOM_WAIT_NANOS} with nothing of the batch stored, so the client's retry stores it once.
     */
    private void awaitRoom() {
        long limit = 2 * config.maxHeadBytes();
        if (cycle.head().bytes() < limit) {
            return;
        }
        long left = ROOM_WAIT_NANOS;
        while (cycle.head().bytes() >= limit) {
            if (cycle.isClosed()) {
                throw new StorageException("the trace store is closed");
            }
            if (left <= 0) {
                throw new StorageException("the trace store's head holds " + cycle.head().bytes() + " bytes, twice"
                        + " traces.max_head_bytes (" + config.maxHeadBytes() + "), and writing segments is behind;"
                        + " nothing of this batch was stored, retry later");
            }
            requestCut();
            try {
                left = cycle.roomMade().awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("interrupted while waiting for the trace store's cut", e);
            }
        }
    }

    /** Has the job thread cut the head while it is due; one request in the queue at a time. */
    private void requestCut() {
        if (cutRequested.compareAndSet(false, true)) {
            try {
                jobs.execute(() -> {
                    cutRequested.set(false);
                    cutWhileDue();
                });
            } catch (RejectedExecutionException e) {
                cutRequested.set(false); // closing
            }
        }
    }

    private void maintain() {
        if (config.walSyncMode() == WalSyncMode.INTERVAL) {
            wal.sync();
        }
        cutWhileDue();
        applyRetention();
    }

    /** Cuts until the head is under its limits again (spans keep arriving while a segment is written). */
    private void cutWhileDue() {
        try {
            while (cycle.isCutDue(config.maxHeadBytes(), config.segmentDurationMillis(), clock)) {
                cutSegment();
            }
        } catch (RuntimeException e) {
            log.error("trace store cut failed [error={}]", e.toString());
        }
    }

    @Override
    public void cutSegment() {
        cycle.cut();
    }

    @Override
    public int applyRetention() {
        long cutoff = (clock.millis() - config.retentionMillis()) * 1_000_000L;
        int removed;
        synchronized (cycle.cutLock()) { // the trace-id index is created by a cut and closed by close, both under it
            removed = cycle.applyRetention(cutoff, config.retentionBytes());
        }
        expired.add(removed);
        return removed;
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
        List<Segment> held = new ArrayList<>();
        // Segments and heads taken under one lock, so a cut in between neither hides nor repeats a commit.
        lock.readLock().lock();
        try {
            for (Segment s : segments) {
                if (s.maxSeq() > afterSequence && s.acquire()) {
                    held.add(s);
                }
            }
            TraceHead flushing = cycle.flushing();
            if (flushing != null) {
                commitsAfter(flushing, afterSequence, commits);
            }
            commitsAfter(cycle.head(), afterSequence, commits);
        } finally {
            lock.readLock().unlock();
        }
        try {
            held.sort(Comparator.comparingInt(Segment::number));
            SegmentSearch search = new SegmentSearch(Long.MIN_VALUE, Long.MAX_VALUE);
            for (Segment s : held) {
                TreeMap<Long, List<Span>> bySeq = new TreeMap<>();
                search.commitsAfter(s, afterSequence, bySeq);
                bySeq.forEach((seq, spans) -> visitor.commit(seq, Collections.unmodifiableList(spans)));
            }
        } finally {
            held.forEach(Segment::release);
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
        List<Segment> held;
        List<TraceHead> heads = new ArrayList<>(2);
        // Taken under one lock, so a cut finishing meanwhile neither hides nor doubles spans.
        lock.readLock().lock();
        try {
            held = segments.acquireOverlapping(minNanos, maxNanos, new ArrayList<>());
            heads.add(cycle.head()); // newest first
            TraceHead flushing = cycle.flushing();
            if (flushing != null) {
                heads.add(flushing);
            }
        } finally {
            lock.readLock().unlock();
        }
        held.sort(Comparator.comparingInt(Segment::number).reversed());
        return new EngineQuerier(this, heads, held, minNanos, maxNanos);
    }

    /** The segments that the trace-id index names for {@code traceId}. */
    int[] segmentsOf(byte[] traceId) {
        TraceIndex i = index;
        return i == null ? NO_SEGMENTS : i.segments(traceId);
    }

    /** Runs {@code reader} over {@code heads} under the read lock (the active head still changes). */
    void readHeads(List<TraceHead> heads, Consumer<TraceHead> reader) {
        lock.readLock().lock();
        try {
            heads.forEach(reader);
        } finally {
            lock.readLock().unlock();
        }
    }

    private long headSpans() {
        lock.readLock().lock();
        try {
            TraceHead flushing = cycle.flushing();
            return cycle.head().spans() + (flushing == null ? 0 : flushing.spans());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        if (!cycle.markClosed()) {
            return;
        }
        lock.writeLock().lock();
        try {
            cycle.roomMade().signalAll();
        } finally {
            lock.writeLock().unlock();
        }
        jobs.shutdownAndWait();
        synchronized (cycle.cutLock()) {
            lock.writeLock().lock();
            try {
                wal.close();
                segments.releaseAll();
                if (index != null) {
                    index.close();
                }
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** The trace store's own steps of a cut and of retention. Used under the cut lock. */
    private final class Cut implements SegmentLifecycle.Steps<TraceHead, Segment> {
        /** {@link System#nanoTime} when the running cut began writing, and when it began indexing. */
        private long began;
        private long indexBegan;

        @Override
        public int nextWalFile() {
            int walNumber = wal.number() + 1;
            wal.openFile(walNumber, lastSequence);
            return walNumber;
        }

        @Override
        public Segment write(TraceHead frozen, int walNumber) throws IOException {
            began = System.nanoTime();
            Path dir = writer.write(config.dir(), walNumber, frozen);
            Segment segment = Segment.open(dir, allocator);
            indexBegan = System.nanoTime();
            return segment;
        }

        @Override
        public void prepare(Segment segment) {
            if (index == null) {
                openIndex();
            }
            indexSegment(segment);
        }

        @Override
        public TraceHead restore(TraceHead frozen, TraceHead head) {
            // Back in front of what arrived since, so the head keeps commit order.
            TraceHead restored = new TraceHead();
            long now = clock.millis();
            frozen.commits().forEach(c -> restored.add(c.sequence(), c.spans(), now));
            head.commits().forEach(c -> restored.add(c.sequence(), c.spans(), now));
            return restored;
        }

        @Override
        public void published(Segment segment, int walNumber) {
            wal.deleteBefore(walNumber);
            cuts.add(1);
            log.info("span segment cut [dir={}, spans={}, traces={}, bytes={}, writeMillis={}, indexMillis={}]", segment.dir(),
                    segment.spans(), segment.traceCount(), segment.bytes(), (indexBegan - began) / 1_000_000,
                    (System.nanoTime() - indexBegan) / 1_000_000);
        }

        @Override
        public void unlisted(Segment s) {
            byte[] id = new byte[Ids.TRACE_BYTES];
            for (int t = 0; t < s.traceCount(); t++) {
                s.traceId(t, id);
                index.remove(id, s.number());
            }
        }
    }

    /** Encodes each span's WAL record as it is appended, which also checks its ids, outside the engine's lock. */
    private final class Appender implements SpanAppender {
        private List<Span> pending = new ArrayList<>();
        private final SpanEncoder encoded = new SpanEncoder();
        private TraceHead.BatchStats stats = new TraceHead.BatchStats();

        @Override
        public void append(Span span) {
            int at = encoded.size();
            try {
                SpanCodec.write(span, encoded);
            } catch (RuntimeException e) {
                encoded.truncate(at);
                throw e;
            }
            stats.add(span);
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
            TraceHead.BatchStats batchStats = stats;
            pending = new ArrayList<>();
            stats = new TraceHead.BatchStats();
            try {
                return TraceEngine.this.commit(batch, encoded, batchStats);
            } finally {
                encoded.clear();
            }
        }

        @Override
        public void rollback() {
            pending = new ArrayList<>();
            stats = new TraceHead.BatchStats();
            encoded.clear();
        }
    }
}
