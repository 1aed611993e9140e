package io.sightline.query;

import io.sightline.storage.model.Attributes;

import java.util.List;

/**
 * The time series of a TraceQL metrics query ({@code { ... } | rate() by (...)}), as Tempo's
 * {@code /api/metrics/query_range} returns them.
 *
 * @param series         one per label set (and quantile), in label order
 * @param inspectedSpans spans the store returned for evaluation
 * @param isPartial      whether the query stopped at {@link TraceQueryConfig#maxSpansInspected()}
 */
public record TraceMetricsResult(List<Series> series, long inspectedSpans, boolean isPartial) {
    /**
     * One series.
     *
     * @param labels       the {@code by()} values by their TraceQL names (typed), plus {@code p} for a quantile and
     *                     {@code __bucket} for a histogram bucket
     * @param timestampsMs the start of each step interval with a value, Unix milliseconds, ascending
     * @param values       the value of each of those intervals
     */
    public record Series(Attributes labels, long[] timestampsMs, double[] values) {
    }
}
