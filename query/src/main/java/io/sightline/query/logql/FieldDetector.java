package io.sightline.query.logql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sightline.query.DetectedField;
import io.sightline.storage.model.Labels;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loki's field detection over sample lines: every label a line carries after the query's pipeline that is not a
 * stream label (structured metadata, {@code detected_level}, what the query's own parsers found), plus what
 * {@code | json} (for a line that is a JSON object) or else {@code | logfmt} would parse from the line. Not
 * thread-safe.
 */
final class FieldDetector {
    private static final JsonFactory JSON = new JsonFactory();
    /** Distinct values kept per field; the cardinality is exact up to this. */
    static final int MAX_VALUES = 10_000;

    private final Map<String, Field> fields = new HashMap<>();
    private final LogfmtStage logfmt = new LogfmtStage();
    private final LogLine scratch = new LogLine();

    private static final class Field {
        String type = "string";
        final Set<String> parsers = new LinkedHashSet<>();
        List<String> jsonPath = List.of();
        final Set<String> values = new LinkedHashSet<>();
    }

    /** One line as the pipeline left it, and its stream labels. */
    void add(LogLine line, Labels stream) {
        for (Map.Entry<String, String> e : line.labels().entrySet()) {
            String name = e.getKey();
            // Empty values are what a parser makes of text that is not its format: no field to offer.
            if (!e.getValue().isEmpty() && !stream.has(name) && !name.equals(LogLine.ERROR)
                    && !name.equals(LogLine.ERROR_DETAILS)) {
                see(name, e.getValue(), null, List.of());
            }
        }
        String text = line.line();
        if (!text.isEmpty() && text.charAt(0) == '{') {
            json(text, stream);
        } else {
            scratch.resetLine(text);
            logfmt.apply(scratch);
            scratch.labels().forEach((k, v) -> {
                // A word without "=" parses as an empty key: plain text is not logfmt.
                if (!v.isEmpty() && !k.equals(LogLine.ERROR) && !k.equals(LogLine.ERROR_DETAILS)) {
                    see(stream.has(k) ? k + "_extracted" : k, v, "logfmt", List.of());
                }
            });
        }
    }

    private void json(String text, Labels stream) {
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                walk(p, "", new ArrayList<>(), stream);
            }
        } catch (IOException e) {
            // not JSON after all: nothing to detect in it
        }
    }

    private void walk(JsonParser p, String prefix, List<String> path, Labels stream) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            String name = prefix.isEmpty() ? JsonStage.sanitise(key) : prefix + "_" + JsonStage.sanitise(key);
            path.add(key);
            JsonToken v = p.nextToken();
            switch (v) {
                case START_OBJECT -> walk(p, name, path, stream);
                case START_ARRAY -> p.skipChildren();
                default -> see(stream.has(name) ? name + "_extracted" : name,
                        v == JsonToken.VALUE_NULL ? "" : p.getText(), "json", List.copyOf(path));
            }
            path.removeLast();
        }
    }

    private void see(String name, String value, String parser, List<String> jsonPath) {
        Field f = fields.computeIfAbsent(name, k -> new Field());
        f.type = typeOf(value);
        if (parser != null) {
            f.parsers.add(parser);
        }
        if (!jsonPath.isEmpty()) {
            f.jsonPath = jsonPath;
        }
        if (f.values.size() < MAX_VALUES && !value.isEmpty()) {
            f.values.add(value);
        }
    }

    /** Loki's order of guesses: int, float, boolean, duration, bytes, else string. */
    static String typeOf(String v) {
        if (v.isEmpty()) {
            return "string";
        }
        try {
            Long.parseLong(v);
            return "int";
        } catch (NumberFormatException e) {
            // next guess
        }
        try {
            Double.parseDouble(v);
            return "float";
        } catch (NumberFormatException e) {
            // next guess
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false") || v.equals("t") || v.equals("f")
                || v.equals("T") || v.equals("F")) {
            return "boolean";
        }
        if (Units.isDuration(v)) {
            return "duration";
        }
        if (Units.isBytes(v)) {
            return "bytes";
        }
        return "string";
    }

    /** The fields by name, at most {@code limit}. */
    List<DetectedField> result(int limit) {
        List<DetectedField> out = new ArrayList<>();
        for (Map.Entry<String, Field> e : new TreeMap<>(fields).entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            Field f = e.getValue();
            out.add(new DetectedField(e.getKey(), f.type, List.copyOf(f.parsers), f.jsonPath, f.values));
        }
        return out;
    }
}
