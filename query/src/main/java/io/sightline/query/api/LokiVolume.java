package io.sightline.query.api;

import io.sightline.query.HttpCall;
import io.sightline.query.QueryException;
import io.sightline.query.logql.LogQlEngine;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /loki/api/v1/index/volume} and {@code volume_range}: bytes per label set of the streams a selector
 * matches, from the log store's page index (no line is read), as Grafana's Logs Drilldown and the logs-volume
 * panel ask. Series are the stream labels named in the selector, or in {@code targetLabels}; with
 * {@code aggregateBy=labels}, one series per label name with an empty value. Largest first, at most {@code limit}.
 */
final class LokiVolume {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_POINTS = 11_000;
    /** Stands for the empty value of an {@code aggregateBy=labels} series (a label set drops empty values). */
    private static final String NAME_ONLY = "\u0000";

    private LokiVolume() {
    }

    /** The request's grouping: which labels, and whether by name only. */
    private record Grouping(List<String> targets, boolean byName) {
        /** The series keys one stream contributes to. */
        List<Labels> keys(Labels stream) {
            List<Labels> out = new ArrayList<>(byName ? targets.size() : 1);
            if (byName) {
                for (String t : targets) {
                    if (stream.has(t)) {
                        out.add(Labels.of(t, NAME_ONLY));
                    }
                }
                return out;
            }
            Labels.Builder b = Labels.builder();
            for (String t : targets) {
                String v = stream.get(t);
                if (v != null) {
                    b.set(t, v);
                }
            }
            Labels key = b.build();
            if (!key.isEmpty()) {
                out.add(key);
            }
            return out;
        }
    }

    private static Grouping grouping(HttpCall call, List<Matcher> matchers) {
        String by = call.param("aggregateBy");
        boolean byName;
        if (by == null || by.isEmpty() || by.equals("series")) {
            byName = false;
        } else if (by.equals("labels")) {
            byName = true;
        } else {
            throw LokiParams.invalid("aggregateBy", by, "must be series or labels");
        }
        Set<String> targets = new LinkedHashSet<>();
        String t = call.param("targetLabels");
        if (t != null && !t.isBlank()) {
            Arrays.stream(t.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(targets::add);
        } else {
            matchers.forEach(m -> targets.add(m.name()));
        }
        return new Grouping(List.copyOf(targets), byName);
    }

    /** {@code volume}: one sample per series at {@code end}, the bytes over [start, end]. */
    static Reply instant(HttpCall call, LogStore store, long start, long end) {
        List<Matcher> matchers = selector(call);
        Grouping g = grouping(call, matchers);
        Map<Labels, double[]> totals = new HashMap<>();
        try (LogQuerier q = store.querier(start, end)) {
            q.volume(matchers, (stream, lo, hi, entries, bytes) -> {
                for (Labels key : g.keys(stream)) {
                    totals.computeIfAbsent(key, k -> new double[1])[0] += bytes;
                }
            });
        }
        long ms = Math.floorDiv(end, 1_000_000L);
        List<Map.Entry<Labels, double[]>> top = largest(totals, LokiParams.positive(call, "limit", DEFAULT_LIMIT), v -> v[0]);
        return reply("vector", out -> {
            for (Map.Entry<Labels, double[]> e : top) {
                out.gen().writeStartObject();
                metric(out, e.getKey());
                out.gen().writeFieldName("value");
                out.point(ms, e.getValue()[0]);
                out.gen().writeEndObject();
            }
        });
    }

    private static Reply reply(String type, Reply.JsonBody result) {
        return Reply.json(200, Map.of(), out -> {
            var g = out.gen();
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeObjectFieldStart("data");
            g.writeStringField("resultType", type);
            g.writeArrayFieldStart("result");
            result.write(out);
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private static void metric(JsonOut out, Labels key) throws java.io.IOException {
        out.gen().writeObjectFieldStart("metric");
        for (int i = 0; i < key.size(); i++) {
            out.gen().writeStringField(key.name(i), NAME_ONLY.equals(key.value(i)) ? "" : key.value(i));
        }
        out.gen().writeEndObject();
    }

    /** {@code volume_range}: per series, the bytes of each step {@code (t - step, t]} at t = start, start+step, ... end. */
    static Reply range(HttpCall call, LogStore store, long start, long end, long step) {
        long points = (end - start) / step + 1;
        if (points > MAX_POINTS) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "exceeded maximum resolution of " + MAX_POINTS
                    + " points per timeseries. Try decreasing the query resolution (?step=XX)");
        }
        int n = (int) points;
        List<Matcher> matchers = selector(call);
        Grouping g = grouping(call, matchers);
        Map<Labels, double[]> series = new HashMap<>();
        try (LogQuerier q = store.querier(start - step + 1, end)) {
            q.volume(matchers, (stream, lo, hi, entries, bytes) -> {
                // A span lands in the step holding its middle: spans are single records or pages of one stream.
                long mid = lo + (hi - lo) / 2;
                int k = (int) Math.max(0, Math.min(n - 1, Math.ceilDiv(mid - start, step)));
                for (Labels key : g.keys(stream)) {
                    series.computeIfAbsent(key, x -> new double[n + 1])[k] += bytes;
                }
            });
        }
        series.values().forEach(v -> v[n] = Arrays.stream(v, 0, n).sum()); // the total, for ranking
        List<Map.Entry<Labels, double[]>> top = largest(series, LokiParams.positive(call, "limit", DEFAULT_LIMIT), v -> v[n]);
        return reply("matrix", out -> {
            for (Map.Entry<Labels, double[]> e : top) {
                out.gen().writeStartObject();
                metric(out, e.getKey());
                out.gen().writeArrayFieldStart("values");
                for (int k = 0; k < n; k++) {
                    if (e.getValue()[k] > 0) {
                        out.point(Math.floorDiv(start + k * step, 1_000_000L), e.getValue()[k]);
                    }
                }
                out.gen().writeEndArray();
                out.gen().writeEndObject();
            }
        });
    }

    private static List<Map.Entry<Labels, double[]>> largest(Map<Labels, double[]> m, int limit,
                                                            java.util.function.ToDoubleFunction<double[]> size) {
        return m.entrySet().stream()
                .sorted(Comparator.<Map.Entry<Labels, double[]>>comparingDouble(e -> -size.applyAsDouble(e.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .limit(limit).toList();
    }

    private static List<Matcher> selector(HttpCall call) {
        String q = call.param("query");
        if (q == null || q.isBlank()) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "missing required parameter \"query\"");
        }
        List<Matcher> m = LogQlEngine.selectorOf(q);
        if (m.stream().allMatch(Matcher::matchesEmpty)) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA,
                    "queries require at least one label matcher that does not match the empty string, got " + m);
        }
        return m;
    }
}
