package io.sightline.alerting.notify;

import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;

/** Reads Sightline's own counters back from the SDK's in-memory reader. */
public final class TestMetrics {
    private TestMetrics() {
    }

    /** The sum of a long counter over all its attribute sets. */
    public static long sum(InMemoryMetricReader reader, String name) {
        return reader.collectAllMetrics().stream().filter(m -> m.getName().equals(name))
                .map(MetricData::getLongSumData).flatMap(d -> d.getPoints().stream())
                .mapToLong(LongPointData::getValue).sum();
    }
}
