package io.sightline.ingest.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.sightline.ingest.IngestMetrics;
import io.sightline.ingest.limit.WriteLimiter;
import io.sightline.ingest.otlp.MetricsWriter;
import io.sightline.ingest.otlp.TranslationResult;

/** OTLP/gRPC {@code MetricsService/Export} (see {@link ExportService} for the call's path). */
final class MetricsGrpcService extends ExportService<ExportMetricsServiceRequest, ExportMetricsServiceResponse> {
    private final MetricsWriter writer;

    MetricsGrpcService(MetricsWriter writer, IngestMetrics metrics, WriteLimiter limiter, int retryAfterSeconds) {
        super(metrics, limiter, retryAfterSeconds, "grpc", "ExportMetricsServiceRequest");
        this.writer = writer;
    }

    @Override
    ExportMetricsServiceRequest parse(byte[] body) throws InvalidProtocolBufferException {
        return ExportMetricsServiceRequest.parseFrom(body);
    }

    @Override
    ExportMetricsServiceResponse write(ExportMetricsServiceRequest request) {
        TranslationResult result = writer.write(request);
        metrics.record(result);
        return result.toResponse();
    }
}
