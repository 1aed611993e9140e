package io.sightline.ingest.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.sightline.storage.LogAppender;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogLevels;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * OTLP log records to the log store's model: the configured resource attributes become the stream labels
 * (named like metric labels); every other resource and record attribute becomes structured metadata;
 * severity, trace id and span id are kept as columns; a non-string body is stored as JSON text. A record
 * that cannot be stored is rejected alone, counted in {@code rejected_log_records} with the first reason.
 * Thread-safe.
 */
public final class LogsTranslator {
    /** Loki's name for a stream without a service. */
    static final String UNKNOWN_SERVICE = "unknown_service";
    private static final HexFormat HEX = HexFormat.of();

    private final List<String> streamKeys;
    private final String[] streamNames;
    private final int maxLineBytes;
    private final int maxLabelValueLength;
    private final LabelNamer namer = new LabelNamer();

    public LogsTranslator(List<String> streamKeys, int maxLineBytes, int maxLabelValueLength) {
        this.streamKeys = List.copyOf(streamKeys);
        this.streamNames = streamKeys.stream().map(namer::labelName).toArray(String[]::new);
        this.maxLineBytes = maxLineBytes;
        this.maxLabelValueLength = maxLabelValueLength;
    }

    /** How one request went. */
    public record Result(long accepted, long rejected, String message) {
        public ExportLogsServiceResponse toResponse() {
            ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
            if (rejected > 0 || message != null) {
                b.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected)
                        .setErrorMessage(message == null ? "" : message));
            }
            return b.build();
        }
    }

    /** Appends every storable record of {@code request}; the caller commits. */
    public Result translate(ExportLogsServiceRequest request, LogAppender appender, long nowNanos) {
        long accepted = 0;
        long rejected = 0;
        String message = null;
        for (ResourceLogs rl : request.getResourceLogsList()) {
            Labels.Builder stream = Labels.builder();
            Labels.Builder resourceMeta = Labels.builder();
            for (KeyValue kv : rl.getResource().getAttributesList()) {
                int i = streamKeys.indexOf(kv.getKey());
                String value = AttributeValues.toLabelValue(kv.getValue());
                if (value.isEmpty()) {
                    continue;
                }
                if (i >= 0) {
                    stream.set(streamNames[i], value);
                } else {
                    resourceMeta.set(namer.labelName(kv.getKey()), value);
                }
            }
            Labels streamLabels = stream.build();
            if (streamLabels.isEmpty()) {
                streamLabels = Labels.of("service_name", UNKNOWN_SERVICE);
            }
            Labels base = resourceMeta.build();
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) {
                    String problem = problem(r, streamLabels);
                    if (problem != null) {
                        rejected++;
                        if (message == null) {
                            message = problem;
                        }
                        continue;
                    }
                    appender.append(toRecord(r, streamLabels, base, nowNanos));
                    accepted++;
                }
            }
        }
        return new Result(accepted, rejected, message);
    }

    private String problem(LogRecord r, Labels stream) {
        String body = body(r.getBody());
        int bytes = utf8Length(body);
        if (bytes > maxLineBytes) {
            return "log record body of " + bytes + " bytes exceeds logs.max_line_bytes=" + maxLineBytes + " (stream " + stream + ")";
        }
        for (KeyValue kv : r.getAttributesList()) {
            String v = AttributeValues.toLabelValue(kv.getValue());
            if (v.length() > maxLabelValueLength) {
                return "attribute \"" + kv.getKey() + "\" value of " + v.length() + " characters exceeds ingest.max_label_value_length="
                        + maxLabelValueLength;
            }
        }
        int trace = r.getTraceId().size();
        if (trace != 0 && trace != 16) {
            return "trace_id must be 16 bytes, got " + trace;
        }
        int span = r.getSpanId().size();
        if (span != 0 && span != 8) {
            return "span_id must be 8 bytes, got " + span;
        }
        return null;
    }

    private io.sightline.storage.model.LogRecord toRecord(LogRecord r, Labels stream, Labels base, long nowNanos) {
        long observed = r.getObservedTimeUnixNano();
        long ts = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : observed != 0 ? observed : nowNanos;
        Labels.Builder b = base.toBuilder();
        for (KeyValue kv : r.getAttributesList()) {
            String v = AttributeValues.toLabelValue(kv.getValue());
            if (!v.isEmpty()) {
                b.set(namer.labelName(kv.getKey()), v);
            }
        }
        int severity = Math.max(0, Math.min(255, r.getSeverityNumberValue()));
        String body = body(r.getBody());
        if (b.get(LogLevels.LABEL) == null) {
            // As Loki 3: detected once here, so that queries and the logs volume need not scan every line.
            b.set(LogLevels.LABEL, LogLevels.of(r.getSeverityText(), severity, body));
        }
        return new io.sightline.storage.model.LogRecord(stream, ts, observed, severity, r.getSeverityText(), body,
                hex(r.getTraceId().toByteArray()), hex(r.getSpanId().toByteArray()), b.build());
    }

    private static String hex(byte[] id) {
        return id.length == 0 ? "" : HEX.formatHex(id);
    }

    /** Strings as they are; everything else as the JSON text that attribute values use. */
    static String body(AnyValue v) {
        return v.getValueCase() == AnyValue.ValueCase.STRING_VALUE ? v.getStringValue() : AttributeValues.toLabelValue(v);
    }

    private static int utf8Length(String s) {
        return s.length() < 65_536 ? s.getBytes(StandardCharsets.UTF_8).length : (int) Math.min(Integer.MAX_VALUE,
                (long) s.getBytes(StandardCharsets.UTF_8).length);
    }
}
