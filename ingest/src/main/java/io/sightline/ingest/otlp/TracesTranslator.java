package io.sightline.ingest.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * OTLP spans to the trace store's {@link Span}: ids as lower-case hex, typed attributes (see
 * {@link TypedAttributes}), events, links, scope and resource. A span that cannot be stored is rejected
 * alone and counted in {@code rejected_spans} with the first reason: a trace id that is not 16 bytes or is all
 * zeros, a span id that is not 8 bytes or is all zeros, a parent span id that is neither empty nor 8 bytes, a
 * link with such ids, a missing start time, an end before the start, a kind or status code outside the OTLP
 * enums. An all-zero parent span id means "no parent", as the OpenTelemetry Collector reads it. Thread-safe.
 */
public final class TracesTranslator {
    private static final HexFormat HEX = HexFormat.of();

    /** How one request went. */
    public record Result(long accepted, long rejected, String message, Map<String, Long> rejectedByReason) {
        public Result(long accepted, long rejected, String message) {
            this(accepted, rejected, message, Map.of());
        }

        public ExportTraceServiceResponse toResponse() {
            ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
            if (rejected > 0 || message != null) {
                b.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected)
                        .setErrorMessage(message == null ? "" : message));
            }
            return b.build();
        }
    }

    /** Hands every storable span of {@code request} to {@code out}, in request order. */
    public Result translate(ExportTraceServiceRequest request, Consumer<Span> out) {
        long accepted = 0;
        long rejected = 0;
        String first = null;
        RejectReasons reasons = RejectReasons.create();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Attributes resource = TypedAttributes.of(rs.getResource().getAttributesList());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                String scopeName = ss.getScope().getName();
                String scopeVersion = ss.getScope().getVersion();
                for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
                    String problem = problem(s);
                    if (problem != null) {
                        if (first == null) {
                            first = "span \"" + s.getName() + "\" (trace " + HEX.formatHex(s.getTraceId().toByteArray())
                                    + "): " + problem;
                        }
                        rejected++;
                        reasons.spanRejected(problem);
                        continue;
                    }
                    out.accept(toSpan(s, resource, scopeName, scopeVersion));
                    accepted++;
                }
            }
        }
        String message = first == null ? null : rejected == 1 ? first : first + " (and " + (rejected - 1) + " more rejected spans)";
        return new Result(accepted, rejected, message, reasons.counts());
    }

    /** Why the span cannot be stored, or null. */
    static String problem(io.opentelemetry.proto.trace.v1.Span s) {
        String p = id("trace_id", s.getTraceId(), 16);
        if (p == null) {
            p = id("span_id", s.getSpanId(), 8);
        }
        if (p == null && !s.getParentSpanId().isEmpty() && s.getParentSpanId().size() != 8) {
            p = "parent_span_id must be empty or 8 bytes, got " + s.getParentSpanId().size();
        }
        if (p != null) {
            return p;
        }
        if (s.getStartTimeUnixNano() == 0) {
            return "start_time_unix_nano is missing (0)";
        }
        if (Long.compareUnsigned(s.getEndTimeUnixNano(), s.getStartTimeUnixNano()) < 0) {
            return "end_time_unix_nano " + Long.toUnsignedString(s.getEndTimeUnixNano()) + " is before start_time_unix_nano "
                    + Long.toUnsignedString(s.getStartTimeUnixNano());
        }
        if (s.getStartTimeUnixNano() < 0 || s.getEndTimeUnixNano() < 0) {
            return "timestamps past the year 2262 are not supported";
        }
        int kind = s.getKindValue();
        if (kind < Span.KIND_UNSPECIFIED || kind > Span.KIND_CONSUMER) {
            return "kind " + kind + " is not an OTLP SpanKind (0..5)";
        }
        int status = s.getStatus().getCodeValue();
        if (status < Span.STATUS_UNSET || status > Span.STATUS_ERROR) {
            return "status code " + status + " is not an OTLP StatusCode (0..2)";
        }
        for (io.opentelemetry.proto.trace.v1.Span.Link l : s.getLinksList()) {
            String lp = id("link trace_id", l.getTraceId(), 16);
            if (lp == null) {
                lp = id("link span_id", l.getSpanId(), 8);
            }
            if (lp != null) {
                return lp;
            }
        }
        return null;
    }

    private static String id(String field, ByteString id, int size) {
        if (id.size() != size) {
            return field + " must be " + size + " bytes, got " + id.size();
        }
        if (allZero(id)) {
            return field + " must not be all zeros";
        }
        return null;
    }

    private static boolean allZero(ByteString id) {
        for (int i = 0; i < id.size(); i++) {
            if (id.byteAt(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static Span toSpan(io.opentelemetry.proto.trace.v1.Span s, Attributes resource, String scopeName, String scopeVersion) {
        ByteString parent = s.getParentSpanId();
        String parentHex = parent.isEmpty() || allZero(parent) ? "" : hex(parent);
        List<SpanEvent> events = new ArrayList<>(s.getEventsCount());
        for (io.opentelemetry.proto.trace.v1.Span.Event e : s.getEventsList()) {
            events.add(new SpanEvent(e.getTimeUnixNano(), e.getName(), TypedAttributes.of(e.getAttributesList())));
        }
        List<SpanLink> links = new ArrayList<>(s.getLinksCount());
        for (io.opentelemetry.proto.trace.v1.Span.Link l : s.getLinksList()) {
            links.add(new SpanLink(hex(l.getTraceId()), hex(l.getSpanId()), l.getTraceState(), TypedAttributes.of(l.getAttributesList())));
        }
        return new Span(hex(s.getTraceId()), hex(s.getSpanId()), parentHex, s.getTraceState(), s.getName(), s.getKindValue(),
                s.getStartTimeUnixNano(), s.getEndTimeUnixNano(), s.getStatus().getCodeValue(), s.getStatus().getMessage(),
                TypedAttributes.of(s.getAttributesList()), resource, scopeName, scopeVersion, events, links);
    }

    private static String hex(ByteString id) {
        return HEX.formatHex(id.toByteArray());
    }
}
