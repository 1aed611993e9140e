package io.sightline.query.logql;

import io.sightline.query.LogQueryResult;
import io.sightline.storage.model.Labels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects kept lines into result streams keyed by their labels after the pipeline (stream labels, metadata and
 * parsed labels), in arrival order. Not thread-safe.
 */
final class StreamGrouper {
    private final Map<Map<String, String>, List<LogQueryResult.Entry>> byLabels = new LinkedHashMap<>();
    private final Map<Map<String, String>, Labels> labelsOf = new LinkedHashMap<>();
    private int entries;

    /** Adds the line as the pipeline left it. */
    void add(LogLine line) {
        List<LogQueryResult.Entry> list = byLabels.get(line.labels());
        if (list == null) {
            Map<String, String> key = Map.copyOf(line.labels());
            list = new ArrayList<>();
            byLabels.put(key, list);
            labelsOf.put(key, line.toLabels());
        }
        list.add(new LogQueryResult.Entry(line.timestampNanos(), line.line()));
        entries++;
    }

    int entries() {
        return entries;
    }

    List<LogQueryResult.Stream> streams() {
        List<LogQueryResult.Stream> out = new ArrayList<>(byLabels.size());
        byLabels.forEach((k, v) -> out.add(new LogQueryResult.Stream(labelsOf.get(k), v)));
        return out;
    }
}
