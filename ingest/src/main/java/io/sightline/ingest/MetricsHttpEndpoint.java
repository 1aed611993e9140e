package io.sightline.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.sightline.ingest.otlp.MetricsWriter;
import io.sightline.ingest.otlp.TranslationResult;

/**
 * OTLP/HTTP for metrics ({@code POST /v1/metrics}). OTLP/JSON writes trace and span ids in hex where the
 * protobuf JSON mapping expects base64; only exemplars carry ids in metrics, and those are dropped, so
 * nothing needs converting. Thread-safe.
 */
final class MetricsHttpEndpoint extends OtlpHttpEndpoint<ExportMetricsServiceRequest> {
    static final String PROTOBUF = OtlpHttpEndpoint.PROTOBUF;
    static final String JSON = OtlpHttpEndpoint.JSON;

    private final MetricsWriter writer;

    MetricsHttpEndpoint(MetricsWriter writer, IngestMetrics metrics, String protocol, int maxRequestBytes,
                        int retryAfterSeconds) {
        super(metrics, protocol, maxRequestBytes, retryAfterSeconds);
        this.writer = writer;
    }

    @Override
    String requestName() {
        return "ExportMetricsServiceRequest";
    }

    @Override
    ExportMetricsServiceRequest parseProtobuf(byte[] raw) throws InvalidProtocolBufferException {
        return ExportMetricsServiceRequest.parseFrom(raw);
    }

    @Override
    Message.Builder newBuilder() {
        return ExportMetricsServiceRequest.newBuilder();
    }

    @Override
    Message write(ExportMetricsServiceRequest request) {
        TranslationResult result = writer.write(request);
        metrics.record(result);
        return result.toResponse();
    }
}
