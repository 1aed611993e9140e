package io.sightline.storage.model;

import java.util.List;
import java.util.Objects;

/**
 * One span as the trace store keeps it. Ids are lower-case hex (trace 32 characters, span 16); ingest rejects
 * all-zero and wrong-length ids before a span is built.
 *
 * @param traceId       32 hex characters
 * @param spanId        16 hex characters
 * @param parentSpanId  16 hex characters, {@code ""} for a root span
 * @param traceState    W3C trace state, {@code ""} when absent
 * @param name          span name
 * @param kind          OTLP {@code SpanKind} number, see {@link #KIND_SERVER} etc.
 * @param startNanos    Unix nanoseconds
 * @param endNanos      Unix nanoseconds, {@code >= startNanos}
 * @param statusCode    OTLP status code: {@link #STATUS_UNSET}, {@link #STATUS_OK}, {@link #STATUS_ERROR}
 * @param statusMessage {@code ""} when absent
 * @param attributes    span attributes
 * @param resource      resource attributes ({@code service.name} among them)
 * @param scopeName     instrumentation scope name, {@code ""} when absent
 * @param scopeVersion  instrumentation scope version, {@code ""} when absent
 * @param events        span events, in the order sent
 * @param links         span links, in the order sent
 */
public record Span(String traceId, String spanId, String parentSpanId, String traceState, String name, int kind,
                   long startNanos, long endNanos, int statusCode, String statusMessage, Attributes attributes,
                   Attributes resource, String scopeName, String scopeVersion, List<SpanEvent> events,
                   List<SpanLink> links) {
    public static final int KIND_UNSPECIFIED = 0;
    public static final int KIND_INTERNAL = 1;
    public static final int KIND_SERVER = 2;
    public static final int KIND_CLIENT = 3;
    public static final int KIND_PRODUCER = 4;
    public static final int KIND_CONSUMER = 5;
    public static final int STATUS_UNSET = 0;
    public static final int STATUS_OK = 1;
    public static final int STATUS_ERROR = 2;
    /** The resource attribute that names the service. */
    public static final String SERVICE_NAME = "service.name";

    public Span {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(parentSpanId, "parentSpanId");
        Objects.requireNonNull(traceState, "traceState");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(statusMessage, "statusMessage");
        Objects.requireNonNull(attributes, "attributes");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(scopeName, "scopeName");
        Objects.requireNonNull(scopeVersion, "scopeVersion");
        events = List.copyOf(events);
        links = List.copyOf(links);
        if (kind < KIND_UNSPECIFIED || kind > KIND_CONSUMER) {
            throw new IllegalArgumentException("span kind must be 0..5, got " + kind);
        }
        if (statusCode < STATUS_UNSET || statusCode > STATUS_ERROR) {
            throw new IllegalArgumentException("span status code must be 0..2, got " + statusCode);
        }
        if (endNanos < startNanos) {
            throw new IllegalArgumentException("span end " + endNanos + " is before its start " + startNanos);
        }
    }

    /** The resource's {@code service.name}, or {@code ""}. */
    public String service() {
        String s = resource.get(SERVICE_NAME);
        return s == null ? "" : s;
    }

    public long durationNanos() {
        return endNanos - startNanos;
    }

    public boolean isRoot() {
        return parentSpanId.isEmpty();
    }
}
