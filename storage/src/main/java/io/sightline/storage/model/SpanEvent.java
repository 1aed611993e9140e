package io.sightline.storage.model;

import java.util.Objects;

/** A span event: a timestamped, named annotation with attributes. */
public record SpanEvent(long timeNanos, String name, Attributes attributes) {
    public SpanEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(attributes, "attributes");
    }
}
