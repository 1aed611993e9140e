package io.sightline.query.promql.function;

import io.sightline.storage.model.Labels;

/**
 * Samples of one series for a range-vector argument: {@code ts[from..to)}, {@code values[from..to)} in time
 * order, without stale markers. The arrays may be shared by all series of one selector.
 */
public record RangeSeries(Labels labels, long[] ts, double[] values, int from, int to, boolean dropName) {
}
