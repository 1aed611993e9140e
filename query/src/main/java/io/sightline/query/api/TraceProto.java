package io.sightline.query.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A trace as OTLP protobuf: {@code TracesData}, which is byte for byte Tempo's {@code tempopb.Trace} (field 1,
 * repeated ResourceSpans) that {@code /api/traces/<id>} sends, and Tempo's {@code TraceByIDResponse} (the trace as
 * field 1) that {@code /api/v2/traces/<id>} sends. Grafana asks for these with {@code Accept: application/protobuf}.
 */
final class TraceProto {
    private static final HexFormat HEX = HexFormat.of();

    private TraceProto() {
    }

    static byte[] tracesData(List<Span> spans) {
        return build(spans).toByteArray();
    }

    /** {@code TraceByIDResponse { Trace trace = 1; }}, written by hand: the message is not in opentelemetry-proto. */
    static byte[] traceByIdResponse(List<Span> spans) {
        return traceByIdResponse(spans, null);
    }

    /**
     * {@code TraceByIDResponse { Trace trace = 1; TraceByIDMetrics metrics = 2; PartialStatus status = 3; string
     * message = 4; }}: with a {@code partialMessage}, status PARTIAL (1) and that message.
     */
    static byte[] traceByIdResponse(List<Span> spans, String partialMessage) {
        ProtoWriter w = new ProtoWriter().message(1, tracesData(spans));
        if (partialMessage != null) {
            w.uint32(3, 1).string(4, partialMessage);
        }
        return w.toByteArray();
    }

    static TracesData build(List<Span> spans) {
        TracesData.Builder data = TracesData.newBuilder();
        for (TraceGroups.ResourceGroup rg : TraceGroups.of(spans).resources()) {
            ResourceSpans.Builder rs = data.addResourceSpansBuilder();
            rs.setResource(Resource.newBuilder().addAllAttributes(keyValues(rg.resource())));
            for (TraceGroups.ScopeGroup sg : rg.scopes()) {
                ScopeSpans.Builder ss = rs.addScopeSpansBuilder();
                ss.setScope(InstrumentationScope.newBuilder().setName(sg.name()).setVersion(sg.version()));
                for (Span s : sg.spans()) {
                    ss.addSpans(span(s));
                }
            }
        }
        return data.build();
    }

    private static io.opentelemetry.proto.trace.v1.Span span(Span s) {
        var b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
                .setTraceId(id(s.traceId()))
                .setSpanId(id(s.spanId()))
                .setTraceState(s.traceState())
                .setName(s.name())
                .setKindValue(s.kind())
                .setStartTimeUnixNano(s.startNanos())
                .setEndTimeUnixNano(s.endNanos())
                .addAllAttributes(keyValues(s.attributes()))
                .setStatus(Status.newBuilder().setCodeValue(s.statusCode()).setMessage(s.statusMessage()));
        if (!s.parentSpanId().isEmpty()) {
            b.setParentSpanId(id(s.parentSpanId()));
        }
        for (SpanEvent e : s.events()) {
            b.addEventsBuilder().setTimeUnixNano(e.timeNanos()).setName(e.name()).addAllAttributes(keyValues(e.attributes()));
        }
        for (SpanLink l : s.links()) {
            b.addLinksBuilder().setTraceId(id(l.traceId())).setSpanId(id(l.spanId())).setTraceState(l.traceState())
                    .addAllAttributes(keyValues(l.attributes()));
        }
        return b.build();
    }

    private static ByteString id(String hex) {
        return ByteString.copyFrom(HEX.parseHex(hex));
    }

    static List<KeyValue> keyValues(Attributes attrs) {
        KeyValue[] out = new KeyValue[attrs.size()];
        for (int i = 0; i < attrs.size(); i++) {
            out[i] = KeyValue.newBuilder().setKey(attrs.key(i)).setValue(value(attrs, i)).build();
        }
        return List.of(out);
    }

    private static AnyValue value(Attributes a, int i) {
        AnyValue.Builder v = AnyValue.newBuilder();
        switch (a.type(i)) {
            case STRING -> v.setStringValue(a.text(i));
            case INT -> v.setIntValue(a.longValue(i));
            case DOUBLE -> v.setDoubleValue(a.doubleValue(i));
            case BOOL -> v.setBoolValue(a.boolValue(i));
            case BYTES -> v.setBytesValue(ByteString.copyFrom(Base64.getDecoder().decode(a.text(i))));
            case ARRAY, KVLIST -> {
                try {
                    JsonFormat.parser().ignoringUnknownFields().merge(a.text(i), v);
                } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
                    v.clear().setStringValue(a.text(i)); // stored text that is no AnyValue JSON: keep it readable
                }
            }
        }
        return v.build();
    }
}
