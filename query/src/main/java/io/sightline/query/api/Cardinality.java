package io.sightline.query.api;

import io.sightline.storage.Querier;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cardinality lists of {@code /api/v1/status/tsdb}, counted in one pass over every series a querier sees, as
 * Prometheus counts them from its head postings. Costs one visit per series and label; memory is one counter
 * per distinct label pair. Not thread-safe; one per request.
 */
final class Cardinality {
    /** One entry of a list: {@code {"name": ..., "value": ...}}. */
    record Stat(String name, long value) {
    }

    private static final Comparator<Stat> LARGEST_FIRST =
            Comparator.comparingLong(Stat::value).reversed().thenComparing(Stat::name);

    /** label name -> label value -> series with that pair. */
    private final Map<String, Map<String, long[]>> pairs = new HashMap<>();

    static Cardinality count(Querier q) {
        Cardinality c = new Cardinality();
        SeriesSet set = q.select(false, Matcher.of(Matcher.Type.RE, Labels.METRIC_NAME, ".+"));
        while (set.next()) {
            Labels l = set.at().labels();
            for (int i = 0; i < l.size(); i++) {
                c.pairs.computeIfAbsent(l.name(i), k -> new HashMap<>())
                        .computeIfAbsent(l.value(i), k -> new long[1])[0]++;
            }
        }
        return c;
    }

    long labelPairs() {
        long n = 0;
        for (Map<String, long[]> values : pairs.values()) {
            n += values.size();
        }
        return n;
    }

    List<Stat> seriesCountByMetricName(int limit) {
        List<Stat> out = new ArrayList<>();
        pairs.getOrDefault(Labels.METRIC_NAME, Map.of()).forEach((v, n) -> out.add(new Stat(v, n[0])));
        return top(out, limit);
    }

    List<Stat> labelValueCountByLabelName(int limit) {
        List<Stat> out = new ArrayList<>();
        pairs.forEach((name, values) -> out.add(new Stat(name, values.size())));
        return top(out, limit);
    }

    /** Bytes of label values per label name, counted once per series that carries them, as Prometheus counts. */
    List<Stat> memoryInBytesByLabelName(int limit) {
        List<Stat> out = new ArrayList<>();
        pairs.forEach((name, values) -> {
            long bytes = 0;
            for (Map.Entry<String, long[]> e : values.entrySet()) {
                bytes += (long) e.getKey().length() * e.getValue()[0];
            }
            out.add(new Stat(name, bytes));
        });
        return top(out, limit);
    }

    List<Stat> seriesCountByLabelValuePair(int limit) {
        List<Stat> out = new ArrayList<>();
        pairs.forEach((name, values) -> values.forEach((v, n) -> out.add(new Stat(name + "=" + v, n[0]))));
        return top(out, limit);
    }

    private static List<Stat> top(List<Stat> stats, int limit) {
        stats.sort(LARGEST_FIRST);
        return stats.size() > limit ? stats.subList(0, limit) : stats;
    }
}
