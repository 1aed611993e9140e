package io.sightline.ingest.spanmetrics;

import io.sightline.storage.model.Labels;

/**
 * {@code traces_spanmetrics_calls_total} and {@code traces_spanmetrics_latency} of one (service, span_name,
 * span_kind, status_code). Series order: calls, then the histogram's.
 */
final class SpanCell extends Cell {
    static final String CALLS = "traces_spanmetrics_calls_total";
    static final String LATENCY = "traces_spanmetrics_latency";

    private final Histogram latency;
    private long calls;

    SpanCell(SpanKey key, double[] bounds) {
        super(1 + Histogram.seriesCount(bounds));
        this.latency = new Histogram(bounds);
        Labels base = key.labels();
        series[0] = base.toBuilder().set(Labels.METRIC_NAME, CALLS).build();
        Histogram.labels(LATENCY, bounds, base, series, 1);
    }

    synchronized void observe(double seconds) {
        calls++;
        latency.observe(seconds);
    }

    synchronized long calls() {
        return calls;
    }

    @Override
    synchronized void values(double[] out) {
        out[0] = calls;
        latency.values(out, 1);
    }

    @Override
    synchronized void restore(int i, double value) {
        if (i == 0) {
            calls = (long) value;
        } else {
            latency.restore(i - 1, value);
        }
    }
}
