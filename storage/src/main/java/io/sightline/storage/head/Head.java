package io.sightline.storage.head;

import io.sightline.storage.Appender;
import io.sightline.storage.RejectReason;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.StorageException;
import io.sightline.storage.block.BlockSeries;
import io.sightline.storage.index.CursorScratch;
import io.sightline.storage.index.IndexReader;
import io.sightline.storage.index.MemPostings;
import io.sightline.storage.index.PartReader;
import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.index.SeriesIndex;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The in-memory head: the newest samples of every series, with postings, taking appends. Thread-safe.
 *
 * <p>Commits go through two serial stages, the log write and then the apply, handed over so that the log
 * holds batches in exactly the order they were applied and a replay rebuilds the same head (one batch may
 * write while the one before it applies). Appends (series lookup, checks, buffering) and the WAL encoding
 * of samples run in parallel on the callers' threads; the serial part per sample is the head chunk append,
 * which bounds ingest with many threads to what one core applies.
 */
public final class Head implements PartReader, AutoCloseable {
    private final StripeSeries series;
    private final MemPostings postings = new MemPostings();
    private final SeriesIndex registry;
    private final HeadLog log;
    private final HeadChunkFiles chunkFiles;
    private final long blockDurationMillis;
    private final long retentionMillis;
    private final long outOfOrderWindowMillis;
    /** Serialises the log stage of commits; see {@link #commitLogged}. Taken before {@link #applyLock}. */
    private final ReentrantLock logLock = new ReentrantLock();
    /** Serialises the apply stage of commits; see {@link #commitLogged}. */
    private final ReentrantLock applyLock = new ReentrantLock();
    private final Map<String, MetricMetadata> metadata = new ConcurrentHashMap<>();
    private final AtomicLongArray rejected = new AtomicLongArray(RejectReason.values().length);
    private final List<HeadSeries> newSeries = new ArrayList<>();
    private final LongAdder appended = new LongAdder();
    /** Samples whose series {@link #apply} touches ahead of applying them: their lines fit in L1. */
    private static final int TOUCH_AHEAD = 32;
    /** Written by {@link #apply} so that its touch loads are not optimised away; never read. */
    @SuppressWarnings("unused")
    private int touchSink;
    /** Scratch of {@link #apply}, which runs under the apply lock. */
    private final long[] applyBounds = new long[2];
    private final ThreadLocal<HeadAppender> idleAppender = ThreadLocal.withInitial(() -> new HeadAppender(this));
    private volatile long minTime = Long.MAX_VALUE;
    private volatile long maxTime = Long.MIN_VALUE;
    /** Runs after every commit, outside the commit locks; the engine uses it to wake the block cutter. */
    private volatile Runnable afterCommit = () -> { };
    /**
     * Samples older than this belong to blocks being or already cut: appenders that start now refuse them.
     * Appenders that started earlier keep the bound they started with (as Prometheus's appender keeps its
     * appendable minValidTime), and a cut waits for them before collecting the block.
     */
    private volatile long minValidTime = Long.MIN_VALUE;
    /** The bound commits enforce: raised to minValidTime once older appenders have finished (or timed out). */
    private volatile long enforcedMinValidTime = Long.MIN_VALUE;
    /**
     * Bumped when series may have become removed or unlogged (truncation, a failed log write). A batch
     * that started in the same epoch and met only logged series skips the per-sample series scan of
     * {@link #commit}: one cache miss per sample less with thousands of series.
     */
    private volatile long seriesEpoch;
    /** Appenders in flight by the minValidTime they started with; guarded by itself. */
    private final TreeMap<Long, int[]> appendersByMinValid = new TreeMap<>();

    public Head(StorageConfig config, SeriesIndex registry, HeadLog log) {
        this(config, registry, log, null);
    }

    /**
     * A head whose sealed chunks go to {@code chunkFiles}, which {@link #close} closes, or stay on the heap when
     * it is {@code null}.
     */
    public Head(StorageConfig config, SeriesIndex registry, HeadLog log, HeadChunkFiles chunkFiles) {
        this.chunkFiles = chunkFiles;
        // The registry may hold more series than the maximum allows now, if it was lowered since they came.
        this.series = new StripeSeries(Math.max(config.maxSeries(), registry.size()));
        this.registry = registry;
        this.log = log;
        this.blockDurationMillis = config.blockDurationMillis();
        this.retentionMillis = config.retentionMillis();
        this.outOfOrderWindowMillis = config.outOfOrderWindowMillis();
    }

    /**
     * An appender; see {@link Appender}. Each thread keeps one idle appender to hand out again, so that the
     * per-request appender of ingest does not reallocate its buffers every batch; a thread that holds one
     * in use gets a fresh one.
     */
    public Appender appender() {
        HeadAppender a = idleAppender.get();
        if (a.isInUse) {
            return new HeadAppender(this);
        }
        a.isInUse = true;
        return a;
    }

    // ---- append path (package-private, used by HeadAppender) ----

    HeadSeries seriesByRef(long ref) {
        return series.byId(ref);
    }

    /** The series of {@code labels}, created and indexed when new; {@code null} when the registry is full. */
    HeadSeries getOrCreate(Labels labels) {
        return series.getOrCreate(labels, l -> {
            int id = registry.getOrCreate(l);
            return id == SeriesIndex.FULL ? null : newSeries(id, l);
        });
    }

    /**
     * Finds or creates the series of {@code labels[from, to)} whose {@code refs[i]} is {@link Appender#NO_REF},
     * writing their ids into {@code refs}; a null label set is skipped, and a series the full registry has no
     * room for keeps {@code NO_REF}. The series new to the registry are registered as one batch, outside the
     * stripe locks; a series another thread creates meanwhile gets the same id from the registry, and whichever
     * thread reaches its stripe first indexes it.
     */
    void resolveSeries(Labels[] labels, long[] refs, int from, int to) {
        int missing = 0;
        Labels[] toCreate = null;
        int[] at = null;
        for (int i = from; i < to; i++) {
            if (refs[i] != Appender.NO_REF || labels[i] == null) {
                continue;
            }
            HeadSeries s = series.byLabels(labels[i]);
            if (s != null) {
                refs[i] = s.id;
                continue;
            }
            if (toCreate == null) {
                toCreate = new Labels[to - i];
                at = new int[to - i];
            }
            toCreate[missing] = labels[i];
            at[missing++] = i;
        }
        if (missing == 0) {
            return;
        }
        int[] ids = new int[missing];
        registry.getOrCreateAll(toCreate, 0, missing, ids);
        for (int k = 0; k < missing; k++) {
            int id = ids[k];
            if (id != SeriesIndex.FULL) {
                refs[at[k]] = series.getOrCreate(toCreate[k], l -> newSeries(id, l)).id;
            }
        }
    }

    private HeadSeries newSeries(int id, Labels labels) {
        HeadSeries s = new HeadSeries(id, labels);
        postings.add(id, labels);
        return s;
    }

    /**
     * Registers an appender's batch as in flight and returns the minValidTime it must check against; pair
     * with {@link #endAppend}. A block cut waits for the batches that started before it.
     */
    long beginAppend() {
        synchronized (appendersByMinValid) {
            long bound = minValidTime;
            appendersByMinValid.computeIfAbsent(bound, k -> new int[1])[0]++;
            return bound;
        }
    }

    void endAppend(long startedWithMinValid) {
        synchronized (appendersByMinValid) {
            int[] n = appendersByMinValid.get(startedWithMinValid);
            if (n == null) {
                throw new IllegalStateException("BUG: appender ended without beginning [minValid=" + startedWithMinValid + "]");
            }
            if (--n[0] == 0) {
                appendersByMinValid.remove(startedWithMinValid);
                appendersByMinValid.notifyAll();
            }
        }
    }

    /** See {@link #seriesEpoch}; read by an appender when its batch starts. */
    long seriesEpoch() {
        return seriesEpoch;
    }

    /** {@link HeadSeries#ACCEPTED} or the reject code for a time outside what the head may take. */
    long checkBounds(long t, long minValid) {
        long newest = maxTime;
        if (newest != Long.MIN_VALUE && t < newest - retentionMillis) {
            return RejectReason.TOO_OLD.code();
        }
        return t < minValid ? RejectReason.OUT_OF_BOUNDS.code() : HeadSeries.ACCEPTED;
    }

    long outOfOrderWindowMillis() {
        return outOfOrderWindowMillis;
    }

    void countRejected(long[] byReason) {
        for (int i = 0; i < byReason.length; i++) {
            if (byReason[i] != 0) {
                rejected.addAndGet(i, byReason[i]);
                byReason[i] = 0;
            }
        }
    }

    /**
     * Logs then applies one appender's batch. The log encodes the samples before the commit locks (their
     * series ids are final: a series re-created under the lock keeps its id); only the records of series new
     * to the log, the write and the apply are serial.
     */
    void commit(HeadAppender batch, long[] rejectedByReason) {
        HeadLog.Prepared prepared = log.prepare(batch);
        try {
            commitLogged(batch, prepared, rejectedByReason);
        } finally {
            prepared.release();
        }
        countRejected(rejectedByReason);
        afterCommit.run();
    }

    /**
     * The two serial stages of a commit, as a pipeline: the log stage (series scan, new-series records, the
     * write) under {@link #logLock}, then the apply under {@link #applyLock}, taken before the log lock is
     * let go. Only the log lock's holder ever waits for the apply lock, so batches are applied in exactly
     * the order they were logged, while the next batch's write overlaps this one's apply.
     */
    private void commitLogged(HeadAppender batch, HeadLog.Prepared prepared, long[] rejectedByReason) {
        logLock.lock();
        boolean isLogLocked = true;
        try {
            newSeries.clear();
            int scanned = batch.needsSeriesScan(seriesEpoch) ? batch.sampleCount() : 0;
            for (int i = 0; i < scanned; i++) {
                HeadSeries s = batch.series(i);
                if (s.isRemoved()) {
                    // Truncation dropped the series after append() found it: bring it back (same id, as the
                    // registry's ids are stable), or the samples would land in an orphan.
                    s = getOrCreate(s.labels);
                    if (s == null) {
                        throw new StorageException("series " + batch.series(i).labels + " could not be re-created: the registry is full");
                    }
                    batch.replaceSeries(i, s);
                }
                if (!s.isLoggedToWal()) {
                    s.setLoggedToWal(true);
                    newSeries.add(s);
                }
            }
            batch.setNewSeries(newSeries);
            try {
                log.log(batch, prepared);
            } catch (RuntimeException e) {
                for (HeadSeries s : newSeries) {
                    s.setLoggedToWal(false);
                }
                seriesEpoch++; // after the writes above: a batch that reads the new epoch sees them
                throw e instanceof StorageException se ? se : new StorageException("commit failed: " + e.getMessage(), e);
            }
            newSeries.clear();
            applyLock.lock();
            logLock.unlock();
            isLogLocked = false;
            try {
                long rejectedBefore = sum(rejectedByReason);
                apply(batch, rejectedByReason);
                appended.add(batch.sampleCount() - (sum(rejectedByReason) - rejectedBefore));
                metadata.putAll(batch.metadata());
            } finally {
                applyLock.unlock();
            }
        } finally {
            if (isLogLocked) {
                newSeries.clear();
                logLock.unlock();
            }
        }
    }

    /** Sets what runs after every commit; it must be cheap and must not block. */
    public void afterCommit(Runnable hook) {
        this.afterCommit = hook;
    }

    private static long sum(long[] counts) {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }

    /** Applies the samples, run by run of the same series so each series lock is taken once per run. */
    private void apply(HeadAppender batch, long[] rejectedByReason) {
        int n = batch.sampleCount();
        long[] ts = batch.timestamps();
        double[] vs = batch.values();
        // Only stored samples move the head's time range: a refused one far in the past would make the
        // block cutter walk every empty window back to it.
        long[] bounds = applyBounds;
        bounds[0] = Long.MAX_VALUE;
        bounds[1] = Long.MIN_VALUE;
        long minValid = enforcedMinValidTime;
        int start = 0;
        int touched = 0;
        int sink = 0;
        while (start < n) {
            if (start >= touched) {
                touched = Math.min(n, start + TOUCH_AHEAD);
                sink += touch(batch, start, touched);
            }
            HeadSeries s = batch.series(start);
            int end = start + 1;
            while (end < n && batch.series(end) == s) {
                end++;
            }
            s.applyAll(ts, vs, start, end - start, minValid, outOfOrderWindowMillis, blockDurationMillis,
                    rejectedByReason, bounds, chunkFiles);
            start = end;
        }
        if (chunkFiles != null) {
            chunkFiles.flush();
        }
        touchSink = sink;
        if (bounds[0] < minTime) {
            minTime = bounds[0];
        }
        if (bounds[1] > maxTime) {
            maxTime = bounds[1];
        }
    }

    /**
     * Loads the series of samples {@code [from, to)} and what appending to them touches, in one tight loop
     * whose iterations do not depend on each other, so their cache misses overlap (a prefetch). In the usual
     * remote-write batch every sample is another series, and applying them one by one waited for ~6 misses
     * per sample in turn (with 100k series this took 20 % off the remote-write handler's CPU per sample).
     */
    private static int touch(HeadAppender batch, int from, int to) {
        int sink = 0;
        HeadSeries last = null;
        for (int i = from; i < to; i++) {
            HeadSeries s = batch.series(i);
            if (s != last) {
                sink += s.touch();
                last = s;
            }
        }
        return sink;
    }

    // ---- block cut (one caller at a time, the engine's compaction job) ----

    /**
     * From now on refuse samples older than {@code t}. Returns once every appender that started before
     * (and so may hold samples older than {@code t} it already accepted) has committed or rolled back, so
     * that a block collected next contains them; an appender still open after {@code waitMillis} has its
     * older samples refused as OUT_OF_BOUNDS at commit instead.
     *
     * @return false when it stopped waiting for an appender left open
     */
    public boolean setMinValidTime(long t, long waitMillis) {
        boolean isDrained;
        synchronized (appendersByMinValid) {
            if (t > minValidTime) {
                minValidTime = t;
            }
            long deadline = System.nanoTime() + waitMillis * 1_000_000;
            long left;
            while (!(isDrained = appendersByMinValid.isEmpty() || appendersByMinValid.firstKey() >= t)
                    && (left = deadline - System.nanoTime()) > 0) {
                try {
                    appendersByMinValid.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        applyLock.lock(); // between two applies: a batch checks one bound for all its samples
        try {
            if (t > enforcedMinValidTime) {
                enforcedMinValidTime = t;
            }
        } finally {
            applyLock.unlock();
        }
        return isDrained;
    }

    public long minValidTime() {
        return minValidTime;
    }

    /**
     * The chunks before {@code maxt} of every series, as block input sorted by series id. Call after
     * {@link #setMinValidTime(long, long) setMinValidTime(maxt)}, so nothing older arrives meanwhile.
     */
    public List<BlockSeries> blockSeries(long maxt) {
        return blockInput(s -> s.chunksBefore(maxt));
    }

    /**
     * The chunks starting in the block-aligned window {@code [mint, maxt)} of every series, as block input
     * sorted by series id, leaving the head as it is (the open chunks are copied, not sealed); commits go on
     * meanwhile, so each series is caught at its own instant. For snapshots.
     */
    public List<BlockSeries> copySeries(long mint, long maxt) {
        return blockInput(s -> s.chunksIn(mint, maxt));
    }

    /** Every series' chunks that {@code chunksOf} picks, merged as block input and sorted by series id. */
    private List<BlockSeries> blockInput(Function<HeadSeries, List<SealedChunk>> chunksOf) {
        List<BlockSeries> out = new ArrayList<>();
        try (HeadChunkFiles.View view = chunkFiles == null ? null : chunkFiles.openView()) {
            series.forEach(s -> {
                List<SealedChunk> chunks = chunksOf.apply(s);
                if (!chunks.isEmpty()) {
                    out.add(new BlockSeries(s.id, s.labels, BlockChunkMerger.merge(chunks, view)));
                }
            });
        }
        out.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return out;
    }

    /**
     * Drops every chunk before {@code t} (now in a block) and the series left without samples. Holds both
     * commit locks so that no commit logs or applies to a series while it is being removed.
     */
    public void truncateBefore(long t) {
        logLock.lock();
        applyLock.lock();
        try {
            long[] oldest = {Long.MAX_VALUE};
            series.forEach(s -> {
                if (s.dropBefore(t, chunkFiles) && series.remove(s)) {
                    s.markRemoved();
                    postings.remove(s.id, s.labels);
                    seriesEpoch++;
                } else {
                    oldest[0] = Math.min(oldest[0], s.oldestTime());
                }
            });
            // Exact, not just t: after a gap in the data the next cut starts at the data, not at t.
            minTime = oldest[0];
            if (series.size() == 0) {
                maxTime = Long.MIN_VALUE;
            }
        } finally {
            applyLock.unlock();
            logLock.unlock();
        }
    }

    /** The series now in the head and the metadata, for a WAL checkpoint. */
    public WalCheckpoint checkpoint() {
        List<HeadSeries> live = new ArrayList<>(series.size());
        series.forEach(live::add);
        int[] ids = new int[live.size()];
        Labels[] labels = new Labels[live.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = live.get(i).id;
            labels[i] = live.get(i).labels;
        }
        return new WalCheckpoint(ids, labels, Map.copyOf(metadata));
    }

    // ---- replay (used by the WAL at open, before any appender exists) ----

    /** Recreates a series logged earlier with its id; the id must be the registry's for these labels. */
    public void replaySeries(int id, Labels labels) {
        HeadSeries s = series.getOrCreate(labels, l -> newSeries(id, l));
        s.setLoggedToWal(true);
    }

    /**
     * Re-applies one logged sample; silently drops what the head would reject (as the original commit did).
     * A series whose series record went with a truncated segment is found through the registry.
     *
     * @return false when the series is unknown to the registry too (the sample is lost)
     */
    public boolean replaySample(int seriesId, long t, double v) {
        if (t < enforcedMinValidTime) {
            return true;
        }
        HeadSeries s = series.byId(seriesId);
        if (s == null) {
            Labels labels = registry.labels(seriesId);
            if (labels == null) {
                return false;
            }
            replaySeries(seriesId, labels);
            s = series.byId(seriesId);
        }
        // Chunks sealed here are written when the chunk files' buffer fills, or with the first commit's.
        if (s.apply(t, v, outOfOrderWindowMillis, blockDurationMillis, chunkFiles) == HeadSeries.ACCEPTED) {
            if (t < minTime) {
                minTime = t;
            }
            if (t > maxTime) {
                maxTime = t;
            }
        }
        return true;
    }

    public void replayMetadata(String metricFamilyName, MetricMetadata m) {
        metadata.put(metricFamilyName, m);
    }

    // ---- read path ----

    @Override
    public long minTime() {
        return minTime;
    }

    @Override
    public long maxTime() {
        return maxTime;
    }

    @Override
    public IndexReader index() {
        return postings;
    }

    @Override
    public Labels labels(int seriesId) {
        HeadSeries s = series.byId(seriesId);
        return s == null ? null : s.labels;
    }

    @Override
    public SeriesChunks chunks(int seriesId, long mint, long maxt, SampleBuffer scratch) {
        HeadSeries s = series.byId(seriesId);
        return s == null ? null : s.snapshot(mint, maxt);
    }

    @Override
    public SeriesChunks chunksForCursor(int seriesId, long mint, long maxt, SampleBuffer scratch, CursorScratch cursor) {
        HeadSeries s = series.byId(seriesId);
        return s == null ? null : s.snapshot(mint, maxt, cursor.state(CursorChunks.class, CursorChunks::new));
    }

    public int seriesCount() {
        return series.size();
    }

    /** Metadata per metric family name, a live view. */
    public Map<String, MetricMetadata> metadata() {
        return metadata;
    }

    /** Samples stored by commits so far (idempotent repeats are not counted twice). */
    public long appended() {
        return appended.sum();
    }

    /** The chunk files, {@code null} without them; for metrics and tests. */
    public HeadChunkFiles chunkFiles() {
        return chunkFiles;
    }

    /**
     * Deletes the chunk files. Chunks already moved there stay readable (their mappings live as long as they
     * do); later seals stay on the heap.
     */
    @Override
    public void close() {
        if (chunkFiles != null) {
            chunkFiles.close();
        }
    }

    /** Samples rejected so far, by {@link RejectReason} ordinal. */
    public long rejected(RejectReason reason) {
        return rejected.get(reason.ordinal());
    }
}
