package io.sightline.query.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The HTTP server's self-metrics. Alert on the ratio of {@code code="503"} (workers saturated) and
 * {@code code="5xx"} to all requests, and on the duration's high quantiles per handler; a queue depth that
 * stays near {@code http.worker_queue} means the workers cannot keep up.
 */
final class ApiMetrics {
    static final String IN_FLIGHT = "sightline_http_requests_in_flight";
    static final String QUEUE_DEPTH = "sightline_http_worker_queue_depth";
    static final String REQUESTS = "sightline_http_requests_total";
    static final String DURATION = "sightline_http_request_duration_seconds";
    private static final AttributeKey<String> HANDLER = AttributeKey.stringKey("handler");
    private static final AttributeKey<String> CODE = AttributeKey.stringKey("code");

    private final LongCounter requests;
    private final DoubleHistogram duration;

    ApiMetrics(Meter meter) {
        requests = meter.counterBuilder(REQUESTS)
                .setDescription("HTTP API requests answered, by handler (route) and status code")
                .build();
        duration = meter.histogramBuilder(DURATION)
                .setDescription("Time from reading an HTTP API request to writing its response, by handler")
                .setUnit("s")
                .setExplicitBucketBoundariesAdvice(List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                        10.0, 30.0, 60.0, 120.0))
                .build();
    }

    /** Gauges of requests in flight and requests waiting for a worker; close them when the server stops. */
    static List<AutoCloseable> observe(Meter meter, InFlight inFlight, ThreadPoolExecutor workers) {
        return List.of(
                meter.gaugeBuilder(IN_FLIGHT).ofLongs()
                        .setDescription("HTTP API requests accepted and not yet answered")
                        .buildWithCallback(m -> m.record(inFlight.count())),
                meter.gaugeBuilder(QUEUE_DEPTH).ofLongs()
                        .setDescription("HTTP API requests waiting for a worker thread (bounded by http.worker_queue)")
                        .buildWithCallback(m -> m.record(workers.getQueue().size())));
    }

    void record(String handler, int code, long nanos) {
        requests.add(1, Attributes.of(HANDLER, handler, CODE, Integer.toString(code)));
        duration.record(nanos / 1e9, Attributes.of(HANDLER, handler));
    }
}
