package io.sightline.ingest.otlp;

/** How an OTLP metric maps onto Prometheus: decides the name suffixes and the TYPE metadata. */
public enum MetricKind {
    GAUGE("gauge"),
    /** A monotonic Sum: gets {@code _total}. */
    COUNTER("counter"),
    /** A non-monotonic Sum: a gauge without the {@code _ratio} rule, as Prometheus's translator does. */
    UP_DOWN_COUNTER("gauge"),
    HISTOGRAM("histogram"),
    /** Stored as a classic histogram, see {@link ExponentialHistogramPoints}. */
    EXPONENTIAL_HISTOGRAM("histogram"),
    SUMMARY("summary");

    private final String prometheusType;

    MetricKind(String prometheusType) {
        this.prometheusType = prometheusType;
    }

    /** The Prometheus TYPE written as metadata. */
    public String prometheusType() {
        return prometheusType;
    }
}
