package io.sightline.ingest.otlp;

import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code reason} label of a rejected span or log record, derived from the problem text the translators and the
 * span decoder write into partial success (one source of wording, so the label cannot drift from the message).
 * Counted per request only on the rejection path.
 */
final class RejectReasons {
    private final Map<String, Long> counts = new TreeMap<>();

    private RejectReasons() {
    }

    static RejectReasons create() {
        return new RejectReasons();
    }

    void spanRejected(String problem) {
        counts.merge(ofSpan(problem), 1L, Long::sum);
    }

    void logRejected(String problem) {
        counts.merge(ofLog(problem), 1L, Long::sum);
    }

    /** Rejected count by reason; empty when nothing was rejected. */
    Map<String, Long> counts() {
        return counts.isEmpty() ? Map.of() : Map.copyOf(counts);
    }

    static String ofSpan(String problem) {
        if (problem.startsWith("trace_id")) {
            return "invalid_trace_id";
        }
        if (problem.startsWith("span_id")) {
            return "invalid_span_id";
        }
        if (problem.startsWith("parent_span_id")) {
            return "invalid_parent_span_id";
        }
        if (problem.startsWith("link ")) {
            return "invalid_link";
        }
        if (problem.startsWith("start_time") || problem.startsWith("end_time") || problem.startsWith("timestamps")) {
            return "invalid_time";
        }
        if (problem.startsWith("kind")) {
            return "invalid_kind";
        }
        if (problem.startsWith("status")) {
            return "invalid_status";
        }
        return "invalid_span";
    }

    static String ofLog(String problem) {
        if (problem.startsWith("log record body")) {
            return "line_too_long";
        }
        if (problem.startsWith("attribute")) {
            return "label_value_too_long";
        }
        if (problem.startsWith("trace_id")) {
            return "invalid_trace_id";
        }
        if (problem.startsWith("span_id")) {
            return "invalid_span_id";
        }
        return "invalid_record";
    }
}
