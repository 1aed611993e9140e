package io.sightline.ingest.spanmetrics;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Span;

import java.util.List;

/**
 * The label set of span metrics, with Tempo's label names and values: {@code service} (the resource's
 * service.name), {@code span_name}, {@code span_kind} ({@code SPAN_KIND_SERVER} ...) and {@code status_code}
 * ({@code STATUS_CODE_UNSET}, {@code STATUS_CODE_OK}, {@code STATUS_CODE_ERROR}).
 */
record SpanKey(String service, String spanName, int kind, int status) {
    static final List<String> KINDS = List.of("SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
            "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER");
    static final List<String> STATUSES = List.of("STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR");

    static SpanKey of(Span s) {
        return new SpanKey(s.service(), s.name(), s.kind(), s.statusCode());
    }

    /** The labels without {@code __name__}; an empty service or name drops the label, as in Prometheus. */
    Labels labels() {
        return Labels.builder().set("service", service).set("span_name", spanName).set("span_kind", KINDS.get(kind))
                .set("status_code", STATUSES.get(status)).build();
    }

    /** The key of a stored series' labels, or null when they are not span metrics labels. */
    static SpanKey fromLabels(Labels l) {
        int kind = KINDS.indexOf(l.get("span_kind"));
        int status = STATUSES.indexOf(l.get("status_code"));
        if (kind < 0 || status < 0) {
            return null;
        }
        return new SpanKey(orEmpty(l.get("service")), orEmpty(l.get("span_name")), kind, status);
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
