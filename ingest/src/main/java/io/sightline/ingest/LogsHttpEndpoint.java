package io.sightline.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.sightline.ingest.otlp.LogsWriter;

/**
 * OTLP/HTTP for logs ({@code POST /v1/logs}); hex trace and span ids of OTLP/JSON are converted by
 * {@link HexIds}. Thread-safe.
 */
final class LogsHttpEndpoint extends OtlpHttpEndpoint<ExportLogsServiceRequest> {
    private final LogsWriter writer;

    LogsHttpEndpoint(LogsWriter writer, IngestMetrics metrics, String protocol, int maxRequestBytes, int retryAfterSeconds) {
        super(metrics, protocol, maxRequestBytes, retryAfterSeconds);
        this.writer = writer;
    }

    @Override
    String requestName() {
        return "ExportLogsServiceRequest";
    }

    @Override
    ExportLogsServiceRequest parseProtobuf(byte[] raw) throws InvalidProtocolBufferException {
        return ExportLogsServiceRequest.parseFrom(raw);
    }

    @Override
    Message.Builder newBuilder() {
        return ExportLogsServiceRequest.newBuilder();
    }

    @Override
    ExportLogsServiceRequest fromJson(ExportLogsServiceRequest parsed) {
        ExportLogsServiceRequest.Builder b = parsed.toBuilder();
        for (ResourceLogs.Builder rl : b.getResourceLogsBuilderList()) {
            for (ScopeLogs.Builder sl : rl.getScopeLogsBuilderList()) {
                for (LogRecord.Builder r : sl.getLogRecordsBuilderList()) {
                    r.setTraceId(HexIds.fromJson(r.getTraceId(), 16));
                    r.setSpanId(HexIds.fromJson(r.getSpanId(), 8));
                }
            }
        }
        return b.build();
    }

    @Override
    Message write(ExportLogsServiceRequest request) {
        return writer.write(request).toResponse();
    }
}
