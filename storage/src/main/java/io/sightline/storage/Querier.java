package io.sightline.storage;

import io.sightline.storage.model.Matcher;

import java.util.List;

/**
 * Reads series over a fixed time range. Not thread-safe; one per query. Results are valid until
 * {@link #close()}.
 */
public interface Querier extends AutoCloseable {
    /**
     * Series whose labels match every matcher and that have at least one sample in the querier's range.
     * At least one matcher must not match the empty string (as in Prometheus), or the call throws
     * {@link StorageException}.
     *
     * @param sorted whether the set must come in {@link io.sightline.storage.model.Labels} order
     */
    SeriesSet select(boolean sorted, Matcher... matchers);

    /**
     * As {@code select(false, matchers)}, for a caller that reads each series before moving on and keeps none:
     * {@link SeriesSet#at()} may return one {@link Series} object re-pointed at each position, valid only until
     * the next {@code next()} (its labels stay valid until {@link #close()}). Saves an object per series.
     */
    default SeriesSet selectEach(Matcher... matchers) {
        return select(false, matchers);
    }

    /** Label names, sorted, of series matching all matchers (all series when none are given). */
    List<String> labelNames(Matcher... matchers);

    /** Values of one label, sorted, among series matching all matchers (all series when none are given). */
    List<String> labelValues(String name, Matcher... matchers);

    @Override
    void close();
}
