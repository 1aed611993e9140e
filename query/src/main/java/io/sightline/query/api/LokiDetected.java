package io.sightline.query.api;

import io.sightline.query.DetectedField;
import io.sightline.query.HttpCall;
import io.sightline.query.LogQueryEngine;
import io.sightline.query.QueryException;
import io.sightline.query.logql.LogQlEngine;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What Grafana's Logs Drilldown asks to build its field and label pickers: {@code detected_fields},
 * {@code detected_field/<name>/values} and {@code detected_labels}. As in Loki these answer a bare JSON object
 * (no {@code status}/{@code data} envelope): {@code {"fields":[...],"limit":N}}, {@code {"values":[...],"limit":N}}
 * and {@code {"detectedLabels":[...]}}.
 */
final class LokiDetected {
    static final String FIELD_PREFIX = LokiEndpoints.PREFIX + "detected_field/";
    /** Loki's defaults: lines sampled and fields (or values) returned. */
    private static final int DEFAULT_LINE_LIMIT = 1000;
    private static final int DEFAULT_LIMIT = 1000;

    private final LogQueryEngine engine;
    private final LogStore store;

    LokiDetected(LogQueryEngine engine, LogStore store) {
        this.engine = engine;
        this.store = store;
    }

    private List<DetectedField> detect(HttpCall call, long[] range) {
        String query = call.param("query");
        if (query == null || query.isBlank()) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "missing required parameter \"query\"");
        }
        return engine.detectedFields(query, range[0], range[1], LokiParams.positive(call, "line_limit", DEFAULT_LINE_LIMIT),
                LokiParams.positive(call, "limit", DEFAULT_LIMIT));
    }

    Reply fields(HttpCall call, long[] range) {
        int limit = LokiParams.positive(call, "limit", DEFAULT_LIMIT);
        List<DetectedField> fields = detect(call, range);
        return Reply.json(200, Map.of(), out -> {
            var g = out.gen();
            g.writeStartObject();
            if (!fields.isEmpty()) {
                g.writeArrayFieldStart("fields");
                for (DetectedField f : fields) {
                    g.writeStartObject();
                    g.writeStringField("label", f.label());
                    g.writeStringField("type", f.type());
                    g.writeNumberField("cardinality", f.values().size());
                    g.writeFieldName("parsers");
                    if (f.parsers().isEmpty()) {
                        g.writeNull(); // structured metadata: Loki sends null
                    } else {
                        out.stringArray(f.parsers());
                    }
                    if (!f.jsonPath().isEmpty()) {
                        g.writeFieldName("jsonPath");
                        out.stringArray(f.jsonPath());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeNumberField("limit", limit); // Loki sends the limit only with fields
            }
            g.writeEndObject();
        });
    }

    Reply fieldValues(HttpCall call, long[] range) {
        String rest = call.path().substring(FIELD_PREFIX.length());
        if (!rest.endsWith("/values") || rest.length() == "/values".length()) {
            return PlainText.reply(404, "404 page not found");
        }
        String name = rest.substring(0, rest.length() - "/values".length());
        int limit = LokiParams.positive(call, "limit", DEFAULT_LIMIT);
        TreeSet<String> values = new TreeSet<>();
        for (DetectedField f : detect(call, range)) {
            if (f.label().equals(name)) {
                values.addAll(f.values());
            }
        }
        List<String> top = values.stream().limit(limit).toList();
        return Reply.json(200, Map.of(), out -> {
            var g = out.gen();
            g.writeStartObject();
            if (!top.isEmpty()) {
                g.writeFieldName("values");
                out.stringArray(top);
                g.writeNumberField("limit", limit);
            }
            g.writeEndObject();
        });
    }

    /** Stream labels with their number of values among the streams the optional selector matches. */
    Reply labels(HttpCall call, long[] range) {
        String q = call.param("query");
        List<Matcher> matchers = q == null || q.isBlank() ? List.of() : LogQlEngine.selectorOf(q);
        TreeMap<String, TreeSet<String>> values = new TreeMap<>();
        try (LogQuerier querier = store.querier(range[0], range[1])) {
            for (Labels stream : querier.streams(matchers)) {
                for (int i = 0; i < stream.size(); i++) {
                    values.computeIfAbsent(stream.name(i), k -> new TreeSet<>()).add(stream.value(i));
                }
            }
        }
        return Reply.json(200, Map.of(), out -> {
            var g = out.gen();
            g.writeStartObject();
            g.writeArrayFieldStart("detectedLabels");
            for (Map.Entry<String, TreeSet<String>> e : values.entrySet()) {
                writeLabel(out, e.getKey(), e.getValue().size());
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void writeLabel(JsonOut out, String label, int cardinality) throws IOException {
        out.gen().writeStartObject();
        out.gen().writeStringField("label", label);
        out.gen().writeNumberField("cardinality", cardinality);
        out.gen().writeEndObject();
    }
}
