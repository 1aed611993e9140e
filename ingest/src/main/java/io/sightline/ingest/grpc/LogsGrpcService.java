package io.sightline.ingest.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.sightline.ingest.IngestMetrics;
import io.sightline.ingest.limit.WriteLimiter;
import io.sightline.ingest.otlp.LogsWriter;

/** OTLP/gRPC {@code LogsService/Export} (see {@link ExportService} for the call's path). */
public final class LogsGrpcService extends ExportService<ExportLogsServiceRequest, ExportLogsServiceResponse> {
    private final LogsWriter writer;

    public LogsGrpcService(LogsWriter writer, IngestMetrics metrics, WriteLimiter limiter, int retryAfterSeconds) {
        super(metrics, limiter, retryAfterSeconds, "grpc_logs", "ExportLogsServiceRequest");
        this.writer = writer;
    }

    @Override
    ExportLogsServiceRequest parse(byte[] body) throws InvalidProtocolBufferException {
        return ExportLogsServiceRequest.parseFrom(body);
    }

    @Override
    ExportLogsServiceResponse write(ExportLogsServiceRequest request) {
        return writer.write(request).toResponse();
    }
}
