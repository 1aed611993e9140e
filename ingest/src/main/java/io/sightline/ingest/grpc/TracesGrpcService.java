package io.sightline.ingest.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.sightline.ingest.IngestMetrics;
import io.sightline.ingest.limit.WriteLimiter;
import io.sightline.ingest.otlp.TracesWriter;

/** OTLP/gRPC {@code TraceService/Export} (see {@link ExportService} for the call's path). */
public final class TracesGrpcService extends ExportService<ExportTraceServiceRequest, ExportTraceServiceResponse> {
    private final TracesWriter writer;

    public TracesGrpcService(TracesWriter writer, IngestMetrics metrics, WriteLimiter limiter, int retryAfterSeconds) {
        super(metrics, limiter, retryAfterSeconds, "grpc_traces", "ExportTraceServiceRequest");
        this.writer = writer;
    }

    @Override
    ExportTraceServiceRequest parse(byte[] body) throws InvalidProtocolBufferException {
        return ExportTraceServiceRequest.parseFrom(body);
    }

    @Override
    ExportTraceServiceResponse write(ExportTraceServiceRequest request) {
        return writer.write(request).toResponse();
    }
}
