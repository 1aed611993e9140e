package io.sightline.storage.head;

import io.sightline.storage.Appender;
import io.sightline.storage.RejectReason;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Buffers one batch in primitive arrays and hands it to {@link Head#commit} at the end. Checks each sample
 * on append against what is committed (and against the previous sample of the same series in this batch),
 * so most rejections are reported to the caller; commit checks again under the series lock, since another
 * appender may have committed meanwhile. Not thread-safe. Reusable after commit or rollback.
 */
final class HeadAppender implements Appender, CommitBatch {
    private static final int INITIAL_CAPACITY = 1024;
    /** Buffers grown past this are dropped at reset, so one huge batch does not pin memory per thread. */
    private static final int MAX_RETAINED_CAPACITY = 1 << 16;

    private final Head head;
    private final long[] rejectedByReason = new long[RejectReason.values().length];
    private HeadSeries[] series = new HeadSeries[INITIAL_CAPACITY];
    /**
     * The ids of {@link #series}, so the WAL encoder reads them from one array instead of dereferencing
     * every series again under the log lock (a cache miss per sample with thousands of series).
     */
    private int[] ids = new int[INITIAL_CAPACITY];
    private long[] timestamps = new long[INITIAL_CAPACITY];
    private double[] values = new double[INITIAL_CAPACITY];
    private int count;
    private Map<String, MetricMetadata> metadata = Map.of();
    private List<HeadSeries> newSeries = List.of();
    /** Between {@link Head#appender()} (or any append) and commit/rollback; an idle appender may be handed out again. */
    boolean isInUse;
    /** Between the first append of a batch and commit/rollback: registered with {@link Head#beginAppend()}. */
    private boolean isInFlight;
    /** The minValidTime this batch checks against, fixed at its first append. */
    private long minValid;
    /** {@link Head#seriesEpoch()} at the first append of this batch. */
    private long seriesEpoch;
    /** Whether a series of this batch was not yet in the log when appended to. */
    private boolean hasUnloggedSeries;
    /** Written by {@link #prefetch} so that its loads are not optimised away; never read. */
    @SuppressWarnings("unused")
    private int prefetchSink;

    HeadAppender(Head head) {
        this.head = head;
    }

    @Override
    public long append(long seriesRef, Labels labels, long timestampMillis, double value) {
        isInUse = true;
        if (!isInFlight) {
            minValid = head.beginAppend();
            seriesEpoch = head.seriesEpoch();
            hasUnloggedSeries = false;
            isInFlight = true;
        }
        HeadSeries s = head.seriesByRef(seriesRef);
        if (s == null || (s.labels != labels && !s.labels.equals(labels))) {
            Objects.requireNonNull(labels, "labels");
            s = head.getOrCreate(labels);
            if (s == null) {
                return reject(RejectReason.LIMIT.code());
            }
        }
        long bounds = head.checkBounds(timestampMillis, minValid);
        if (bounds != HeadSeries.ACCEPTED) {
            return reject(bounds);
        }
        long window = head.outOfOrderWindowMillis();
        if (count > 0 && series[count - 1] == s && timestampMillis <= timestamps[count - 1]) {
            long prev = timestamps[count - 1];
            if (timestampMillis == prev) {
                return Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(values[count - 1])
                        ? s.id : reject(RejectReason.DUPLICATE.code());
            }
            if (window == 0 || timestampMillis < prev - window) {
                return reject(RejectReason.OUT_OF_ORDER.code());
            }
        }
        if (timestampMillis <= s.maxTime()) {
            long r = s.check(timestampMillis, value, window);
            if (r == HeadSeries.IDEMPOTENT) {
                return s.id;
            }
            if (r < 0) {
                return reject(r);
            }
        }
        if (count == timestamps.length) {
            grow();
        }
        if (!s.isLoggedToWal()) {
            hasUnloggedSeries = true;
        }
        series[count] = s;
        ids[count] = s.id;
        timestamps[count] = timestampMillis;
        values[count] = value;
        count++;
        return s.id;
    }

    @Override
    public Labels seriesLabels(long seriesRef) {
        HeadSeries s = head.seriesByRef(seriesRef);
        return s == null ? null : s.labels;
    }

    /** Loads the series {@link #append} reads first; see {@link Appender#prefetch}. */
    @Override
    public void prefetch(long[] seriesRefs, int from, int to) {
        int sink = 0;
        for (int i = from; i < to; i++) {
            HeadSeries s = head.seriesByRef(seriesRefs[i]);
            if (s != null) {
                sink += s.touchForAppend();
            }
        }
        prefetchSink = sink;
    }

    /** Registers the batch's new series together; see {@link Appender#resolveSeries}. */
    @Override
    public void resolveSeries(Labels[] labels, long[] seriesRefs, int from, int to) {
        isInUse = true;
        head.resolveSeries(labels, seriesRefs, from, to);
    }

    private long reject(long code) {
        rejectedByReason[RejectReason.ofCode(code).ordinal()]++;
        return code;
    }

    private void grow() {
        int size = timestamps.length * 2;
        series = Arrays.copyOf(series, size);
        ids = Arrays.copyOf(ids, size);
        timestamps = Arrays.copyOf(timestamps, size);
        values = Arrays.copyOf(values, size);
    }

    @Override
    public void updateMetadata(String metricFamilyName, MetricMetadata metadata) {
        Objects.requireNonNull(metricFamilyName, "metricFamilyName");
        Objects.requireNonNull(metadata, "metadata");
        if (this.metadata.isEmpty()) {
            this.metadata = new HashMap<>();
        }
        this.metadata.put(metricFamilyName, metadata);
    }

    @Override
    public void commit() {
        try {
            if (count > 0 || !metadata.isEmpty()) {
                head.commit(this, rejectedByReason);
            }
        } finally {
            reset();
        }
    }

    @Override
    public void rollback() {
        reset();
    }

    private void reset() {
        if (isInFlight) {
            isInFlight = false;
            head.endAppend(minValid);
        }
        head.countRejected(rejectedByReason);
        if (timestamps.length > MAX_RETAINED_CAPACITY) {
            series = new HeadSeries[INITIAL_CAPACITY];
            ids = new int[INITIAL_CAPACITY];
            timestamps = new long[INITIAL_CAPACITY];
            values = new double[INITIAL_CAPACITY];
        } else {
            Arrays.fill(series, 0, count, null);
        }
        count = 0;
        isInUse = false;
        metadata = Map.of();
        newSeries = List.of();
    }

    // ---- CommitBatch, read by the log (samples before the commit locks, new series under the log lock) ----

    /**
     * Whether commit must check every series for removal and for a missing series record: unless all were
     * logged when appended and no series was removed or unlogged since the batch started.
     */
    boolean needsSeriesScan(long currentSeriesEpoch) {
        return hasUnloggedSeries || currentSeriesEpoch != seriesEpoch;
    }

    void setNewSeries(List<HeadSeries> newSeries) {
        this.newSeries = newSeries;
    }

    void replaceSeries(int i, HeadSeries s) {
        HeadSeries old = series[i];
        assert old.id == s.id : "BUG: a re-created series must keep its id";
        for (int j = i; j < count && series[j] == old; j++) {
            series[j] = s;
        }
    }

    HeadSeries series(int i) {
        return series[i];
    }

    long[] timestamps() {
        return timestamps;
    }

    double[] values() {
        return values;
    }

    @Override
    public int newSeriesCount() {
        return newSeries.size();
    }

    @Override
    public int newSeriesId(int i) {
        return newSeries.get(i).id;
    }

    @Override
    public Labels newSeriesLabels(int i) {
        return newSeries.get(i).labels;
    }

    @Override
    public int sampleCount() {
        return count;
    }

    @Override
    public int seriesId(int i) {
        return ids[i];
    }

    @Override
    public long timestamp(int i) {
        return timestamps[i];
    }

    @Override
    public double value(int i) {
        return values[i];
    }

    @Override
    public Map<String, MetricMetadata> metadata() {
        return metadata;
    }
}
