package io.sightline.storage;

import java.util.Objects;

/**
 * An equality a span must satisfy in {@link TraceQuerier#select}. The store answers it from postings where it
 * keeps them (service, name, kind, status and the configured attributes) and checks the rest span by span.
 * Attribute values compare by {@link io.sightline.storage.model.Attributes#stringValue} (so INT 500 equals "500").
 *
 * @param field what is compared
 * @param key   the attribute key for {@link Field#SPAN_ATTRIBUTE} and {@link Field#RESOURCE_ATTRIBUTE}, else {@code ""}
 * @param value the wanted value; for KIND and STATUS the OTLP number in decimal
 */
public record SpanTerm(Field field, String key, String value) {
    public enum Field { SERVICE, NAME, KIND, STATUS, SPAN_ATTRIBUTE, RESOURCE_ATTRIBUTE }

    public SpanTerm {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    public static SpanTerm service(String service) {
        return new SpanTerm(Field.SERVICE, "", service);
    }

    public static SpanTerm name(String name) {
        return new SpanTerm(Field.NAME, "", name);
    }

    public static SpanTerm kind(int kind) {
        return new SpanTerm(Field.KIND, "", Integer.toString(kind));
    }

    public static SpanTerm status(int statusCode) {
        return new SpanTerm(Field.STATUS, "", Integer.toString(statusCode));
    }

    public static SpanTerm spanAttribute(String key, String value) {
        return new SpanTerm(Field.SPAN_ATTRIBUTE, key, value);
    }

    public static SpanTerm resourceAttribute(String key, String value) {
        return new SpanTerm(Field.RESOURCE_ATTRIBUTE, key, value);
    }
}
