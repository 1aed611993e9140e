package io.sightline.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sightline.query.TraceSearchResult;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;

import java.io.IOException;
import java.util.List;

/**
 * Writes Tempo's JSON shapes: a trace as OTLP JSON ({@code {"batches":[...]}} for v1, {@code {"trace":
 * {"resourceSpans":[...]}}} for v2) and search results. Ids are lower-case hex as the OTLP JSON encoding asks
 * (Tempo itself writes base64 there, which OTLP JSON readers do not accept); enums by name and 64-bit integers as
 * strings, as Tempo's jsonpb output has them.
 */
final class TraceJson {
    private static final String[] KINDS = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
            "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"};
    private static final String[] STATUS = {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"};
    /** Tempo's wording when the root span is missing; Grafana shows it in the table. */
    static final String ROOT_NOT_RECEIVED = "<root span not yet received>";

    private TraceJson() {
    }

    /** {@code [ResourceSpans...]} as an array value. */
    static void resourceSpans(JsonOut out, List<Span> spans) throws IOException {
        JsonGenerator g = out.gen();
        g.writeStartArray();
        for (TraceGroups.ResourceGroup rg : TraceGroups.of(spans).resources()) {
            g.writeStartObject();
            g.writeObjectFieldStart("resource");
            attributes(g, "attributes", rg.resource());
            g.writeEndObject();
            g.writeArrayFieldStart("scopeSpans");
            for (TraceGroups.ScopeGroup sg : rg.scopes()) {
                g.writeStartObject();
                g.writeObjectFieldStart("scope");
                if (!sg.name().isEmpty()) {
                    g.writeStringField("name", sg.name());
                }
                if (!sg.version().isEmpty()) {
                    g.writeStringField("version", sg.version());
                }
                g.writeEndObject();
                g.writeArrayFieldStart("spans");
                for (Span s : sg.spans()) {
                    span(g, s);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void span(JsonGenerator g, Span s) throws IOException {
        g.writeStartObject();
        g.writeStringField("traceId", s.traceId());
        g.writeStringField("spanId", s.spanId());
        if (!s.parentSpanId().isEmpty()) {
            g.writeStringField("parentSpanId", s.parentSpanId());
        }
        if (!s.traceState().isEmpty()) {
            g.writeStringField("traceState", s.traceState());
        }
        g.writeStringField("name", s.name());
        g.writeStringField("kind", KINDS[s.kind()]);
        g.writeStringField("startTimeUnixNano", Long.toUnsignedString(s.startNanos()));
        g.writeStringField("endTimeUnixNano", Long.toUnsignedString(s.endNanos()));
        attributes(g, "attributes", s.attributes());
        if (!s.events().isEmpty()) {
            g.writeArrayFieldStart("events");
            for (SpanEvent e : s.events()) {
                g.writeStartObject();
                g.writeStringField("timeUnixNano", Long.toUnsignedString(e.timeNanos()));
                g.writeStringField("name", e.name());
                attributes(g, "attributes", e.attributes());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (!s.links().isEmpty()) {
            g.writeArrayFieldStart("links");
            for (SpanLink l : s.links()) {
                g.writeStartObject();
                g.writeStringField("traceId", l.traceId());
                g.writeStringField("spanId", l.spanId());
                if (!l.traceState().isEmpty()) {
                    g.writeStringField("traceState", l.traceState());
                }
                attributes(g, "attributes", l.attributes());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeObjectFieldStart("status");
        if (s.statusCode() != Span.STATUS_UNSET) {
            g.writeStringField("code", STATUS[s.statusCode()]);
        }
        if (!s.statusMessage().isEmpty()) {
            g.writeStringField("message", s.statusMessage());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** {@code "field":[{"key":..,"value":{AnyValue}}]}; left out when empty, as jsonpb does. */
    static void attributes(JsonGenerator g, String field, Attributes a) throws IOException {
        if (a.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart(field);
        attributeEntries(g, a);
        g.writeEndArray();
    }

    /** The {@code {"key":..,"value":{AnyValue}}} entries of an open array. */
    static void attributeEntries(JsonGenerator g, Attributes a) throws IOException {
        for (int i = 0; i < a.size(); i++) {
            g.writeStartObject();
            g.writeStringField("key", a.key(i));
            g.writeFieldName("value");
            switch (a.type(i)) {
                case STRING -> {
                    g.writeStartObject();
                    g.writeStringField("stringValue", a.text(i));
                    g.writeEndObject();
                }
                case INT -> {
                    g.writeStartObject();
                    g.writeStringField("intValue", Long.toString(a.longValue(i)));
                    g.writeEndObject();
                }
                case DOUBLE -> {
                    g.writeStartObject();
                    double d = a.doubleValue(i);
                    if (Double.isFinite(d)) {
                        g.writeNumberField("doubleValue", d);
                    } else {
                        g.writeStringField("doubleValue", Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    }
                    g.writeEndObject();
                }
                case BOOL -> {
                    g.writeStartObject();
                    g.writeBooleanField("boolValue", a.boolValue(i));
                    g.writeEndObject();
                }
                case BYTES -> {
                    g.writeStartObject();
                    g.writeStringField("bytesValue", a.text(i));
                    g.writeEndObject();
                }
                case ARRAY, KVLIST -> g.writeRawValue(a.text(i)); // held as its OTLP JSON AnyValue
            }
            g.writeEndObject();
        }
    }

    /** Tempo's search response. */
    static void searchResult(JsonOut out, TraceSearchResult r) throws IOException {
        JsonGenerator g = out.gen();
        g.writeStartObject();
        g.writeArrayFieldStart("traces");
        for (TraceSearchResult.Trace t : r.traces()) {
            g.writeStartObject();
            g.writeStringField("traceID", t.traceId());
            g.writeStringField("rootServiceName", t.rootServiceName().isEmpty() ? ROOT_NOT_RECEIVED : t.rootServiceName());
            if (!t.rootTraceName().isEmpty()) {
                g.writeStringField("rootTraceName", t.rootTraceName());
            }
            g.writeStringField("startTimeUnixNano", Long.toString(t.startNanos()));
            g.writeNumberField("durationMs", t.durationNanos() / 1_000_000);
            // Grafana reads spanSets (Tempo 2.2+); older clients read spanSet (the first).
            List<TraceSearchResult.SpanSet> sets = spanSets(t);
            g.writeFieldName("spanSet");
            spanSet(g, sets.getFirst());
            g.writeArrayFieldStart("spanSets");
            for (TraceSearchResult.SpanSet s : sets) {
                spanSet(g, s);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("metrics");
        g.writeNumberField("inspectedTraces", r.inspectedTraces());
        g.writeStringField("inspectedSpans", Long.toString(r.inspectedSpans()));
        g.writeStringField("inspectedBytes", "0");
        g.writeNumberField("totalBlocks", 0);
        g.writeEndObject();
        if (r.isPartial()) {
            g.writeStringField("message", "the search stopped after reading " + r.inspectedSpans()
                    + " spans (traces.query.max_spans_inspected); narrow the time range or the query for complete results");
        }
        g.writeEndObject();
    }

    /** A trace's spansets: those of a {@code by()}, else the one of all its matches. */
    static List<TraceSearchResult.SpanSet> spanSets(TraceSearchResult.Trace t) {
        return t.spanSets().isEmpty()
                ? List.of(new TraceSearchResult.SpanSet(t.spans(), t.matched(), Attributes.builder().build()))
                : t.spanSets();
    }

    private static void spanSet(JsonGenerator g, TraceSearchResult.SpanSet t) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("spans");
        for (TraceSearchResult.MatchedSpan s : t.spans()) {
            g.writeStartObject();
            g.writeStringField("spanID", s.spanId());
            g.writeStringField("name", s.name());
            g.writeStringField("startTimeUnixNano", Long.toString(s.startNanos()));
            g.writeStringField("durationNanos", Long.toString(s.durationNanos()));
            attributes(g, "attributes", s.attributes());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("matched", t.matched());
        attributes(g, "attributes", t.attributes());
        g.writeEndObject();
    }
}
