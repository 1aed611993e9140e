package io.sightline.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.sightline.ingest.otlp.SpanBatch;
import io.sightline.ingest.otlp.TracesDecoder;
import io.sightline.ingest.otlp.TracesWriter;

/**
 * OTLP/HTTP for traces ({@code POST /v1/traces}): protobuf bodies are read by {@link TracesDecoder} (no protobuf
 * object tree); OTLP/JSON is parsed to the message, its hex trace, span, parent and link ids converted by
 * {@link HexIds}, then translated. Thread-safe.
 */
final class TracesHttpEndpoint extends OtlpHttpEndpoint<SpanBatch> {
    private final TracesWriter writer;

    TracesHttpEndpoint(TracesWriter writer, IngestMetrics metrics, String protocol, int maxRequestBytes, int retryAfterSeconds) {
        super(metrics, protocol, maxRequestBytes, retryAfterSeconds);
        this.writer = writer;
    }

    @Override
    String requestName() {
        return "ExportTraceServiceRequest";
    }

    @Override
    SpanBatch parseProtobuf(byte[] raw) throws InvalidProtocolBufferException {
        return TracesDecoder.decode(raw);
    }

    @Override
    Message.Builder newBuilder() {
        return ExportTraceServiceRequest.newBuilder();
    }

    @Override
    SpanBatch jsonRequest(Message parsed) {
        ExportTraceServiceRequest.Builder b = ((ExportTraceServiceRequest) parsed).toBuilder();
        for (ResourceSpans.Builder rs : b.getResourceSpansBuilderList()) {
            for (ScopeSpans.Builder ss : rs.getScopeSpansBuilderList()) {
                for (Span.Builder s : ss.getSpansBuilderList()) {
                    s.setTraceId(HexIds.fromJson(s.getTraceId(), 16));
                    s.setSpanId(HexIds.fromJson(s.getSpanId(), 8));
                    s.setParentSpanId(HexIds.fromJson(s.getParentSpanId(), 8));
                    for (Span.Link.Builder l : s.getLinksBuilderList()) {
                        l.setTraceId(HexIds.fromJson(l.getTraceId(), 16));
                        l.setSpanId(HexIds.fromJson(l.getSpanId(), 8));
                    }
                }
            }
        }
        return writer.translate(b.build());
    }

    @Override
    Message write(SpanBatch request) {
        return writer.write(request).toResponse();
    }
}
