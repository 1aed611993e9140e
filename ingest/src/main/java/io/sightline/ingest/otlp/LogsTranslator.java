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

import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

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
    public record Result(long accepted, long rejected, String message, Map<String, Long> rejectedByReason) {
        public Result(long accepted, long rejected, String message) {
            this(accepted, rejected, message, Map.of());
        }

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
        RejectReasons reasons = RejectReasons.create();
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
            Map<String, Labels> byLevel = new HashMap<>();
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) {
                    String problem = problem(r, streamLabels);
                    if (problem != null) {
                        rejected++;
                        reasons.logRejected(problem);
                        if (message == null) {
                            message = problem;
                        }
                        continue;
                    }
                    appender.append(toRecord(r, streamLabels, base, byLevel, nowNanos));
                    accepted++;
                }
            }
        }
        return new Result(accepted, rejected, message, reasons.counts());
    }

    private String problem(LogRecord r, Labels stream) {
        String body = body(r.getBody());
        // A UTF-16 char is at most 3 UTF-8 bytes: most lines are far below the limit and need no exact count (the
        // count was a tenth of the write threads' time on the 1 GB corpus).
        int bytes = (long) body.length() * 3 <= maxLineBytes ? 0 : utf8Length(body);
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

    private io.sightline.storage.model.LogRecord toRecord(LogRecord r, Labels stream, Labels base, Map<String, Labels> byLevel,
                                                          long nowNanos) {
        long observed = r.getObservedTimeUnixNano();
        long ts = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : observed != 0 ? observed : nowNanos;
        int severity = Math.max(0, Math.min(255, r.getSeverityNumberValue()));
        String body = body(r.getBody());
        if (r.getAttributesCount() == 0 && base.get(LogLevels.LABEL) == null) {
            // The common case: metadata is the resource's plus the level; one label set per level and resource.
            String level = LogLevels.of(r.getSeverityText(), severity, body);
            Labels meta = byLevel.computeIfAbsent(level, l -> base.toBuilder().set(LogLevels.LABEL, l).build());
            return new io.sightline.storage.model.LogRecord(stream, ts, observed, severity, r.getSeverityText(), body,
                    hex(r.getTraceId()), hex(r.getSpanId()), meta);
        }
        Labels.Builder b = base.toBuilder();
        for (KeyValue kv : r.getAttributesList()) {
            String v = AttributeValues.toLabelValue(kv.getValue());
            if (!v.isEmpty()) {
                b.set(namer.labelName(kv.getKey()), v);
            }
        }
        if (b.get(LogLevels.LABEL) == null) {
            // As Loki 3: detected once here, so that queries and the logs volume need not scan every line.
            b.set(LogLevels.LABEL, LogLevels.of(r.getSeverityText(), severity, body));
        }
        return new io.sightline.storage.model.LogRecord(stream, ts, observed, severity, r.getSeverityText(), body,
                hex(r.getTraceId()), hex(r.getSpanId()), b.build());
    }

    private static String hex(com.google.protobuf.ByteString id) {
        return id.isEmpty() ? "" : HEX.formatHex(id.toByteArray());
    }

    /** Strings as they are; everything else as the JSON text that attribute values use. */
    static String body(AnyValue v) {
        return v.getValueCase() == AnyValue.ValueCase.STRING_VALUE ? v.getStringValue() : AttributeValues.toLabelValue(v);
    }

    /** UTF-8 length without encoding (a copy per record was a visible ingest cost); a lone surrogate counts 1, as the encoder writes it as {@code ?}. */
    static int utf8Length(String s) {
        long n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    n++;
                } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    n += 2; // 4 bytes for the pair's 2 chars
                    i++;
                } else if (!Character.isSurrogate(c)) { // a lone surrogate is encoded as '?'
                    n += 2;
                }
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }
}
