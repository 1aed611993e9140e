package io.sightline.query.logql;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogLevels;
import io.sightline.storage.model.LogRecord;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The line and labels a pipeline works on, reused from record to record. Labels start as the stream labels,
 * the structured metadata and {@code detected_level}; parsers add more (a parsed name that clashes with a
 * stream label gets the suffix {@code _extracted}, as in Loki). Not thread-safe.
 */
final class LogLine implements Template.Context {
    static final String ERROR = "__error__";
    static final String ERROR_DETAILS = "__error_details__";

    private final Map<String, String> labels = new HashMap<>();
    private Labels stream = Labels.EMPTY;
    private String line;
    private long timestamp;
    private double unwrapped = Double.NaN;

    void reset(LogRecord r) {
        labels.clear();
        stream = r.stream();
        for (int i = 0; i < stream.size(); i++) {
            labels.put(stream.name(i), stream.value(i));
        }
        Labels meta = r.metadata();
        for (int i = 0; i < meta.size(); i++) {
            labels.putIfAbsent(meta.name(i), meta.value(i));
        }
        if (!labels.containsKey(LogLevels.LABEL)) {
            labels.put(LogLevels.LABEL, LogLevels.of(r));
        }
        line = r.body();
        timestamp = r.timestampNanos();
        unwrapped = Double.NaN;
    }

    /** A bare line with no labels (for running a parser over any text). */
    void resetLine(String text) {
        labels.clear();
        stream = Labels.EMPTY;
        line = text;
        timestamp = 0;
        unwrapped = Double.NaN;
    }

    /** Sets a label found by a parser; the first value of a name wins within one parser run, as in Loki. */
    void setParsed(String name, String value) {
        if (name.isEmpty()) {
            return;
        }
        String key = stream.has(name) ? name + "_extracted" : name;
        labels.put(key, value);
    }

    void set(String name, String value) {
        labels.put(name, value);
    }

    void remove(String name) {
        labels.remove(name);
    }

    Map<String, String> labels() {
        return labels;
    }

    void error(String kind, String details) {
        if (!labels.containsKey(ERROR)) {
            labels.put(ERROR, kind);
            labels.put(ERROR_DETAILS, details);
        }
    }

    @Override
    public String label(String name) {
        return labels.get(name);
    }

    @Override
    public String line() {
        return line;
    }

    void line(String line) {
        this.line = line;
    }

    @Override
    public long timestampNanos() {
        return timestamp;
    }

    double unwrapped() {
        return unwrapped;
    }

    void unwrapped(double v) {
        unwrapped = v;
    }

    /** The current labels as a sorted label set. */
    Labels toLabels() {
        return Labels.fromMap(new TreeMap<>(labels));
    }
}
