package io.sightline.query.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;

/** Reads the server's self-metrics back from the SDK's in-memory reader. */
final class SelfMetrics {
    private SelfMetrics() {
    }

    /** {@code sightline_http_requests_total{handler, code}}, 0 when never recorded. */
    static long requests(InMemoryMetricReader reader, String handler, int code) {
        for (MetricData m : reader.collectAllMetrics()) {
            if (m.getName().equals(ApiMetrics.REQUESTS)) {
                for (LongPointData p : m.getLongSumData().getPoints()) {
                    if (handler.equals(p.getAttributes().get(AttributeKey.stringKey("handler")))
                            && String.valueOf(code).equals(p.getAttributes().get(AttributeKey.stringKey("code")))) {
                        return p.getValue();
                    }
                }
            }
        }
        return 0;
    }

    /** The last value of a long gauge, or -1 when it was not reported. */
    static long gauge(InMemoryMetricReader reader, String name) {
        for (MetricData m : reader.collectAllMetrics()) {
            if (m.getName().equals(name)) {
                return m.getLongGaugeData().getPoints().iterator().next().getValue();
            }
        }
        return -1;
    }
}
