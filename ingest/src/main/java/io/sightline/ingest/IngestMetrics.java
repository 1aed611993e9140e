package io.sightline.ingest;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.sightline.ingest.otlp.RejectCause;
import io.sightline.ingest.otlp.TranslationResult;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Ingest's self-metrics, named in one place. Key relationships to alert on:
 * <ul>
 *   <li>{@code sightline_ingest_samples_rejected_total} rising against {@code ..._accepted_total}: clients
 *       send bad or late data (see the {@code reason} label);</li>
 *   <li>{@code sightline_ingest_requests_total{status="429"|"RESOURCE_EXHAUSTED"}} rising, or
 *       {@code sightline_ingest_requests_in_flight} pinned at {@code ingest.max_concurrent_requests}: the
 *       write path cannot keep up;</li>
 *   <li>{@code sightline_ingest_delta_series_evicted_total} rising: raise {@code ingest.max_delta_series}.</li>
 *   <li>{@code sightline_ingest_connections_refused_total} rising: clients open more connections than
 *       {@code ingest.max_connections} allows per OTLP port (a connection leak, or a flood).</li>
 * </ul>
 * Counting happens once per request (no per-sample calls into the Meter). Thread-safe.
 */
public final class IngestMetrics {
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
    private static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("protocol");
    private static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");

    private final LongCounter accepted;
    private final LongCounter rejected;
    private final LongCounter pointsRejected;
    private final LongCounter exemplarsDropped;
    private final LongCounter requests;
    private final LongCounter connectionsRefused;
    private final DoubleHistogram duration;
    private final AutoCloseable inFlightGauge;
    private final AutoCloseable evictedCounter;
    private final Attributes[] reasons = new Attributes[RejectCause.values().length];
    private final Map<String, Attributes> requestAttributes = new ConcurrentHashMap<>();
    private final Map<String, Attributes> protocolAttributes = new ConcurrentHashMap<>();

    /**
     * @param inFlight       requests queued or running now
     * @param deltaEvictions series dropped from the delta-to-cumulative state so far
     */
    IngestMetrics(Meter meter, LongSupplier inFlight, LongSupplier deltaEvictions) {
        accepted = meter.counterBuilder("sightline_ingest_samples_accepted_total")
                .setDescription("Samples written to storage.").build();
        rejected = meter.counterBuilder("sightline_ingest_samples_rejected_total")
                .setDescription("Samples not written, by reason.").build();
        pointsRejected = meter.counterBuilder("sightline_ingest_data_points_rejected_total")
                .setDescription("OTLP data points reported as rejected through partial success.").build();
        exemplarsDropped = meter.counterBuilder("sightline_ingest_exemplars_dropped_total")
                .setDescription("Exemplars received and dropped (not stored yet).").build();
        requests = meter.counterBuilder("sightline_ingest_requests_total")
                .setDescription("OTLP export requests by protocol and response status.").build();
        connectionsRefused = meter.counterBuilder("sightline_ingest_connections_refused_total")
                .setDescription("OTLP connections closed at once because ingest.max_connections were open on that port.")
                .build();
        duration = meter.histogramBuilder("sightline_ingest_request_duration_seconds")
                .setDescription("Time to decode, translate and commit one export request.").setUnit("s").build();
        inFlightGauge = meter.gaugeBuilder("sightline_ingest_requests_in_flight").ofLongs()
                .setDescription("Export requests queued or being written.")
                .buildWithCallback(m -> m.record(inFlight.getAsLong()));
        evictedCounter = meter.counterBuilder("sightline_ingest_delta_series_evicted_total")
                .setDescription("Series forgotten by delta-to-cumulative conversion because ingest.max_delta_series was reached.")
                .buildWithCallback(m -> m.record(deltaEvictions.getAsLong()));
        for (RejectCause c : RejectCause.values()) {
            reasons[c.ordinal()] = Attributes.of(REASON, c.label());
        }
        // Both ports' series exist from start-up at 0, so increase() in the self-alert sees the first refusal.
        connectionRefused("grpc", 0);
        connectionRefused("http", 0);
    }

    /** Unregisters the callbacks, so a stopped service is not kept alive by the Meter. */
    void close() {
        try {
            inFlightGauge.close();
            evictedCounter.close();
        } catch (Exception e) {
            throw new IllegalStateException("BUG: closing an instrument callback failed", e);
        }
    }

    /** Counts the outcome of one translated request. */
    public void record(TranslationResult result) {
        if (result.acceptedSamples() > 0) {
            accepted.add(result.acceptedSamples());
        }
        for (RejectCause c : RejectCause.values()) {
            long n = result.rejectedSamples(c);
            if (n > 0) {
                rejected.add(n, reasons[c.ordinal()]);
            }
        }
        if (result.rejectedPoints() > 0) {
            pointsRejected.add(result.rejectedPoints());
        }
        if (result.exemplarsDropped() > 0) {
            exemplarsDropped.add(result.exemplarsDropped());
        }
    }

    /**
     * Counts the outcome of one request of a protocol without OTLP data points (remote write).
     *
     * @param rejectedByCause samples rejected, indexed by {@link RejectCause#ordinal()}
     */
    public void record(long acceptedSamples, long[] rejectedByCause, long exemplarsDropped) {
        if (acceptedSamples > 0) {
            accepted.add(acceptedSamples);
        }
        for (int c = 0; c < rejectedByCause.length; c++) { // by index: values() would copy its array per request
            long n = rejectedByCause[c];
            if (n > 0) {
                rejected.add(n, reasons[c]);
            }
        }
        if (exemplarsDropped > 0) {
            this.exemplarsDropped.add(exemplarsDropped);
        }
    }

    /**
     * Counts one request.
     *
     * @param protocol {@code grpc}, {@code http} (OTLP/HTTP port), {@code http_api} (the API-port route) or
     *                 {@code remote_write}
     * @param status   the HTTP status code or the gRPC status code name
     */
    public void request(String protocol, String status, long startNanos) {
        requests.add(1, requestAttributes.computeIfAbsent(protocol + ' ' + status,
                k -> Attributes.of(PROTOCOL, protocol, STATUS, status)));
        duration.record((System.nanoTime() - startNanos) / 1e9,
                protocolAttributes.computeIfAbsent(protocol, k -> Attributes.of(PROTOCOL, protocol)));
    }

    /**
     * Counts one connection closed because {@code ingest.max_connections} were open on its port.
     *
     * @param protocol {@code grpc} or {@code http}
     */
    public void connectionRefused(String protocol) {
        connectionRefused(protocol, 1);
    }

    private void connectionRefused(String protocol, long n) {
        connectionsRefused.add(n, protocolAttributes.computeIfAbsent(protocol, k -> Attributes.of(PROTOCOL, protocol)));
    }
}
