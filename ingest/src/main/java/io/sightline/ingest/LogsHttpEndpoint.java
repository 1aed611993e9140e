package io.sightline.ingest;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.sightline.ingest.otlp.LogsWriter;

import java.util.Base64;
import java.util.HexFormat;

/**
 * OTLP/HTTP for logs ({@code POST /v1/logs}). OTLP/JSON carries trace and span ids as hex, which the
 * protobuf JSON mapping reads as base64: a 32-character hex id becomes 24 bytes. Hex digits are all base64
 * characters and both lengths are multiples of four, so encoding those bytes in base64 again gives back
 * the exact hex text, which is then decoded as hex. Thread-safe.
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
                    r.setTraceId(hexId(r.getTraceId(), 16));
                    r.setSpanId(hexId(r.getSpanId(), 8));
                }
            }
        }
        return b.build();
    }

    private static ByteString hexId(ByteString misread, int size) {
        if (misread.size() != size * 3 / 2) {
            return misread;
        }
        String text = Base64.getEncoder().encodeToString(misread.toByteArray());
        try {
            return ByteString.copyFrom(HexFormat.of().parseHex(text));
        } catch (IllegalArgumentException e) {
            return misread; // not hex after all; the translator rejects the wrong length
        }
    }

    @Override
    Message write(ExportLogsServiceRequest request) {
        return writer.write(request).toResponse();
    }
}
