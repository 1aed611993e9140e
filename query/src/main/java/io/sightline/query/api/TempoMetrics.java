package io.sightline.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.sightline.query.HttpCall;
import io.sightline.query.TraceMetricsResult;
import io.sightline.query.TraceQueryEngine;
import io.sightline.storage.model.Attributes;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;

/**
 * TraceQL metrics in Tempo's shapes: {@code GET /api/metrics/query_range} ({@code q}, {@code start}, {@code end} in
 * Unix seconds or nanoseconds, default the last hour; {@code step} as a duration or seconds, default a hundredth of
 * the range, at least a second) and {@code GET /api/metrics/query} (one value per series over the range) as JSON,
 * and the {@code QueryRangeResponse} / {@code QueryInstantResponse} messages of the streaming gRPC
 * {@code MetricsQueryRange} / {@code MetricsQueryInstant}.
 */
final class TempoMetrics {
    static final String QUERY_RANGE = "/api/metrics/query_range";
    static final String QUERY_INSTANT = "/api/metrics/query";
    private static final long SECOND = TempoParams.SECOND;

    private TempoMetrics() {
    }

    /** A hundredth of the range, at least one second: about 100 points per series, as Grafana draws them. */
    static long defaultStep(long startNanos, long endNanos) {
        return Math.max(SECOND, (endNanos - startNanos) / 100);
    }

    static Reply queryRange(TraceQueryEngine engine, Clock clock, HttpCall call) {
        long[] range = range(call, clock);
        long step = LokiParams.duration(call, "step", defaultStep(range[0], range[1]));
        if (step <= 0) {
            throw LokiParams.invalid("step", call.param("step"), "must be positive");
        }
        TraceMetricsResult r = engine.queryRange(query(call), range[0], range[1], step);
        return Reply.json(200, Map.of(), out -> json(out, r));
    }

    /** {@code GET /api/metrics/query}: one value per series over {@code [start, end]}. */
    static Reply queryInstant(TraceQueryEngine engine, Clock clock, HttpCall call) {
        long[] range = range(call, clock);
        TraceMetricsResult r = engine.queryInstant(query(call), range[0], range[1]);
        return Reply.json(200, Map.of(), out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            g.writeArrayFieldStart("series");
            for (TraceMetricsResult.Series s : r.series()) {
                seriesStart(g, s);
                g.writeNumberField("value", s.values().length == 0 ? 0 : s.values()[0]);
                g.writeEndObject();
            }
            g.writeEndArray();
            metrics(out, r);
            g.writeEndObject();
        });
    }

    /** [start, end] in nanoseconds; the last hour by default. */
    private static long[] range(HttpCall call, Clock clock) {
        long end = TempoParams.time(call, "end", clock.millis() * 1_000_000L);
        long start = TempoParams.time(call, "start", end - TempoEndpoints.SEARCH_LOOKBACK);
        if (end < start) {
            throw LokiParams.invalid("end", call.param("end"), "must not be before start");
        }
        return new long[] {start, end};
    }

    /** Opens a series object with its {@code labels} and {@code promLabels}. */
    private static void seriesStart(JsonGenerator g, TraceMetricsResult.Series s) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("labels");
        TraceJson.attributeEntries(g, s.labels());
        g.writeEndArray();
        g.writeStringField("promLabels", promLabels(s.labels()));
    }

    private static String query(HttpCall call) {
        String q = call.param("q");
        if (q == null || q.isBlank()) {
            q = call.param("query");
        }
        if (q == null || q.isBlank()) {
            throw LokiParams.invalid("q", "", "a TraceQL metrics query is required, e.g. { } | rate()");
        }
        return q;
    }

    private static void metrics(JsonOut out, TraceMetricsResult r) throws IOException {
        JsonGenerator g = out.gen();
        g.writeObjectFieldStart("metrics");
        g.writeStringField("inspectedSpans", Long.toString(r.inspectedSpans()));
        g.writeNumberField("totalJobs", 1);
        g.writeNumberField("completedJobs", 1);
        g.writeEndObject();
        if (r.isPartial()) {
            g.writeStringField("status", "PARTIAL");
            g.writeStringField("message", partialMessage(r));
        }
    }

    static void json(JsonOut out, TraceMetricsResult r) throws IOException {
        JsonGenerator g = out.gen();
        g.writeStartObject();
        g.writeArrayFieldStart("series");
        for (TraceMetricsResult.Series s : r.series()) {
            seriesStart(g, s);
            g.writeArrayFieldStart("samples");
            for (int i = 0; i < s.timestampsMs().length; i++) {
                g.writeStartObject();
                g.writeStringField("timestampMs", Long.toString(s.timestampsMs()[i]));
                g.writeNumberField("value", s.values()[i]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        metrics(out, r);
        g.writeEndObject();
    }

    private static String partialMessage(TraceMetricsResult r) {
        return "the query stopped after reading " + r.inspectedSpans()
                + " spans (traces.query.max_spans_inspected); narrow the time range or the query for complete series";
    }

    /** {@code {key="value", ...}} as Prometheus prints a label set. */
    static String promLabels(Attributes labels) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < labels.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(labels.key(i)).append("=\"")
                    .append(labels.stringValue(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return b.append('}').toString();
    }

    /**
     * {@code QueryRangeResponse { repeated TimeSeries series = 1; SearchMetrics metrics = 2; PartialStatus status = 3;
     * string message = 4; }}, a series being {@code labels = 1} (KeyValue), {@code samples = 2} (Sample: value = 1
     * double, timestamp_ms = 2), {@code prom_labels = 3}.
     */
    /**
     * {@code QueryInstantResponse { repeated InstantSeries series = 1; SearchMetrics metrics = 2; PartialStatus status
     * = 3; string message = 4; }}, a series being {@code labels = 1}, {@code value = 2} (double),
     * {@code promLabels = 3}.
     */
    static byte[] queryInstantResponse(TraceMetricsResult r) {
        ProtoWriter w = new ProtoWriter();
        for (TraceMetricsResult.Series s : r.series()) {
            ProtoWriter series = labels(s.labels());
            series.float64(2, s.values().length == 0 ? 0 : s.values()[0]).string(3, promLabels(s.labels()));
            w.message(1, series.toByteArray());
        }
        return withMetrics(w, r);
    }

    /** A series message begun with its labels as field 1 (OTLP KeyValue on the wire). */
    private static ProtoWriter labels(Attributes labels) {
        ProtoWriter series = new ProtoWriter();
        for (KeyValue kv : TraceProto.keyValues(labels)) {
            series.message(1, kv.toByteArray());
        }
        return series;
    }

    private static byte[] withMetrics(ProtoWriter w, TraceMetricsResult r) {
        w.message(2, new ProtoWriter().uint32(4, 1).uint32(5, 1).uint64(7, r.inspectedSpans()).toByteArray());
        if (r.isPartial()) {
            w.uint32(3, 1).string(4, partialMessage(r));
        }
        return w.toByteArray();
    }

    static byte[] queryRangeResponse(TraceMetricsResult r) {
        ProtoWriter w = new ProtoWriter();
        for (TraceMetricsResult.Series s : r.series()) {
            ProtoWriter series = labels(s.labels());
            for (int i = 0; i < s.timestampsMs().length; i++) {
                series.message(2, new ProtoWriter().float64(1, s.values()[i]).uint64(2, s.timestampsMs()[i]).toByteArray());
            }
            series.string(3, promLabels(s.labels()));
            w.message(1, series.toByteArray());
        }
        return withMetrics(w, r);
    }
}
