package io.sightline.storage.model;

import java.util.Objects;

/** A link from a span to another span (possibly of another trace); ids are lower-case hex. */
public record SpanLink(String traceId, String spanId, String traceState, Attributes attributes) {
    public SpanLink {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(traceState, "traceState");
        Objects.requireNonNull(attributes, "attributes");
    }
}
