package io.sightline.storage;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;

/**
 * Collects one batch of samples and makes it durable atomically on {@link #commit()}: when commit
 * returns, the batch is in the write-ahead log (and will survive a process crash) and visible to
 * queries. Not thread-safe: one appender per request, used by one thread.
 *
 * <p>The hot path is {@link #append(long, Labels, long, double)}: it does not throw for bad samples
 * and does not allocate per sample once a series is known; it returns a series reference to pass back
 * on the next sample of the same series, or a negative rejection code.
 */
public interface Appender {
    /** Pass as {@code seriesRef} when the series reference is not known. */
    long NO_REF = 0;

    /**
     * Adds one float sample.
     *
     * @param seriesRef         a reference returned by an earlier call for the same labels in this process, or
     *                          {@link #NO_REF}; a stale or wrong reference is never trusted blindly but falls back
     *                          to a lookup by labels
     * @param labels            the series labels, including {@code __name__}; must be valid (the edge validates)
     * @param timestampMillis   Unix time in milliseconds
     * @param value             the value; {@link io.sightline.storage.model.StaleMarker#VALUE} marks the series stale
     * @return a positive series reference on success, or {@code RejectReason.code()} (negative) when the
     *         sample was rejected; a rejected sample does not affect the rest of the batch
     */
    long append(long seriesRef, Labels labels, long timestampMillis, double value);

    /**
     * The labels storage keeps for the series of {@code seriesRef} (a reference {@link #append} returned), or
     * {@code null} when it does not know the reference (the default). A caller that remembers labels per series
     * (a label cache) keeps this instance rather than its own equal copy: storage shares its strings with every
     * other series, and passing the same instance back makes the append's label check an identity check.
     */
    default Labels seriesLabels(long seriesRef) {
        return null;
    }

    /**
     * A hint that samples of the series {@code seriesRefs[from, to)} (references returned earlier, or
     * {@link #NO_REF}) are appended next: the appender may load what those appends read now, for all of them
     * at once, so that with many series the memory latency of each overlaps the others' instead of stalling
     * every append in turn. Optional, changes nothing visible; the default does nothing.
     */
    default void prefetch(long[] seriesRefs, int from, int to) {
    }

    /**
     * A hint that the series {@code labels[from, to)} are appended next, those with {@code seriesRefs[i] ==}
     * {@link #NO_REF} perhaps new: the appender may look them up and register the new ones together (one
     * registry lock hold and one labels-file write for all of them instead of one per series), writing each
     * one's reference into {@code seriesRefs[i]}. Null label sets are skipped; a series left at {@code NO_REF}
     * (e.g. no room for it) is handled by {@link #append} as before. Optional, changes nothing visible but the
     * references; the default does nothing. A new series registered here stays registered even if the batch
     * is rolled back, as one registered by {@code append} does.
     */
    default void resolveSeries(Labels[] labels, long[] seriesRefs, int from, int to) {
    }

    /** Records the metadata of a metric family (type, help, unit); last write wins. */
    void updateMetadata(String metricFamilyName, MetricMetadata metadata);

    /**
     * Writes the batch to the WAL and makes it visible.
     *
     * @throws StorageException if the batch could not be made durable; then nothing of it is visible
     */
    void commit();

    /** Discards the batch. */
    void rollback();
}
