package io.sightline.query;

import java.util.List;
import java.util.Set;

/**
 * A field found in log lines, as Loki's {@code detected_fields} reports it.
 *
 * @param label    the name a LogQL label filter uses
 * @param type     {@code int}, {@code float}, {@code boolean}, {@code duration}, {@code bytes} or {@code string}
 *                 (of the last value seen, as Loki does)
 * @param parsers  the parsers that find it ({@code json}, {@code logfmt}), empty for structured metadata
 * @param jsonPath the JSON keys leading to it when {@code json} finds it, else empty
 * @param values   the distinct values seen (their count is the cardinality)
 */
public record DetectedField(String label, String type, List<String> parsers, List<String> jsonPath, Set<String> values) {
}
