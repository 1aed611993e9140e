package io.sightline.ingest.otlp;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;

/**
 * Where the translator puts its output: the storage {@code Appender} in production
 * ({@link AppenderSink}), a list in tests. Called by one thread per request.
 */
public interface SampleSink {
    /**
     * Takes one sample of a valid series.
     *
     * @param ref    a reference the sink returned for these labels before, or {@code Appender.NO_REF}
     * @param labels the full label set, {@code __name__} included; immutable
     * @return a positive series reference, or a negative {@code io.sightline.storage.RejectReason#code()}
     */
    long append(long ref, Labels labels, long timestampMillis, double value);

    /** Metadata of one metric family (TYPE, HELP, UNIT). */
    void metadata(String family, MetricMetadata metadata);
}
