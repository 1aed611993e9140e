package io.sightline.storage.traces;

import io.sightline.storage.SpanTerm;
import io.sightline.storage.model.Span;

import java.util.List;

/** Checks {@link SpanTerm}s on a decoded span (the head, and terms that segments keep no postings for). */
final class TermFilter {
    private TermFilter() {
    }

    static boolean matchesAll(List<SpanTerm> terms, Span s) {
        for (int i = 0; i < terms.size(); i++) {
            if (!matches(terms.get(i), s)) {
                return false;
            }
        }
        return true;
    }

    static boolean matches(SpanTerm t, Span s) {
        return switch (t.field()) {
            case SERVICE -> s.service().equals(t.value());
            case NAME -> s.name().equals(t.value());
            case KIND -> Integer.toString(s.kind()).equals(t.value());
            case STATUS -> Integer.toString(s.statusCode()).equals(t.value());
            case SPAN_ATTRIBUTE -> t.value().equals(s.attributes().get(t.key()));
            case RESOURCE_ATTRIBUTE -> t.value().equals(s.resource().get(t.key()));
        };
    }

    static void requireIntrinsic(SpanTerm.Field field) {
        if (field == SpanTerm.Field.SPAN_ATTRIBUTE || field == SpanTerm.Field.RESOURCE_ATTRIBUTE) {
            throw new IllegalArgumentException("intrinsic field must be SERVICE, NAME, KIND or STATUS, got " + field);
        }
    }

    /** The intrinsic field's value of a span in {@code stringValue} form. */
    static String intrinsic(SpanTerm.Field field, Span s) {
        return switch (field) {
            case SERVICE -> s.service();
            case NAME -> s.name();
            case KIND -> Integer.toString(s.kind());
            case STATUS -> Integer.toString(s.statusCode());
            case SPAN_ATTRIBUTE, RESOURCE_ATTRIBUTE -> {
                requireIntrinsic(field);
                yield null;
            }
        };
    }
}
