package io.sightline.ingest.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.sightline.ingest.IngestMetrics;
import io.sightline.ingest.limit.WriteLimiter;
import io.sightline.ingest.otlp.SpanBatch;
import io.sightline.ingest.otlp.TracesDecoder;
import io.sightline.ingest.otlp.TracesWriter;

/**
 * OTLP/gRPC {@code TraceService/Export} (see {@link ExportService} for the call's path); the request bytes are read
 * by {@link TracesDecoder} on the event loop, without protobuf's object tree.
 */
public final class TracesGrpcService extends ExportService<SpanBatch, ExportTraceServiceResponse> {
    private final TracesWriter writer;

    public TracesGrpcService(TracesWriter writer, IngestMetrics metrics, WriteLimiter limiter, int retryAfterSeconds) {
        super(metrics, limiter, retryAfterSeconds, "grpc_traces", "ExportTraceServiceRequest");
        this.writer = writer;
    }

    @Override
    SpanBatch parse(byte[] body) throws InvalidProtocolBufferException {
        return TracesDecoder.decode(body);
    }

    @Override
    ExportTraceServiceResponse write(SpanBatch request) {
        return writer.write(request).toResponse();
    }
}
