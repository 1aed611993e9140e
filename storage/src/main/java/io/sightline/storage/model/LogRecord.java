package io.sightline.storage.model;

import java.util.Objects;

/**
 * One log record as the log store keeps it.
 *
 * @param stream         the stream's index labels (from resource attributes), never empty
 * @param timestampNanos when the event happened, Unix nanoseconds
 * @param observedNanos  when the collector saw it, Unix nanoseconds (0 when unknown)
 * @param severityNumber OpenTelemetry severity number 0..24 (0 = unspecified)
 * @param severityText   severity as the source wrote it, {@code ""} when absent
 * @param body           the line; non-string bodies arrive here as JSON text
 * @param traceId        lower-case hex, 32 characters, or {@code ""}
 * @param spanId         lower-case hex, 16 characters, or {@code ""}
 * @param metadata       structured metadata: every attribute that is not a stream label
 */
public record LogRecord(Labels stream, long timestampNanos, long observedNanos, int severityNumber,
                        String severityText, String body, String traceId, String spanId, Labels metadata) {
    public LogRecord {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(severityText, "severityText");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(metadata, "metadata");
    }

    /** A plain line with no severity, ids or metadata. */
    public static LogRecord line(Labels stream, long timestampNanos, String body) {
        return new LogRecord(stream, timestampNanos, 0, 0, "", body, "", "", Labels.EMPTY);
    }

    /**
     * Heap bytes this record holds in the head, estimated: the body and ids, the record, its strings' headers and
     * its metadata label set (label strings are mostly shared between records, so they count once per pair).
     */
    public long approxBytes() {
        return 200L + body.length() + traceId.length() + spanId.length() + 40L * metadata.size();
    }
}
