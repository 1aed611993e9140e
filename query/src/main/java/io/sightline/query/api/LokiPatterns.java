package io.sightline.query.api;

import io.sightline.query.HttpCall;
import io.sightline.query.QueryException;
import io.sightline.query.logql.LogQlEngine;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.model.Matcher;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /loki/api/v1/patterns}: the patterns ({@link Drain} clusters) of the newest lines of the selected streams,
 * with how many lines had each per {@code step}, for Logs Drilldown's patterns tab. Reads at most
 * {@value #MAX_LINES} lines (newest first), so over a long busy range the counts cover the newest part only.
 * Answers {@code {"status":"success","data":[{"pattern":"...","samples":[[seconds,count],...]}]}}, the most
 * frequent first, at most {@value #MAX_PATTERNS}.
 */
final class LokiPatterns {
    static final int MAX_LINES = 200_000;
    static final int MAX_PATTERNS = 300;
    /** Lines that would open a cluster past this many are left out of the counts. */
    static final int MAX_CLUSTERS = 5_000;
    private static final int MAX_POINTS = 11_000;

    private LokiPatterns() {
    }

    static Reply patterns(HttpCall call, LogStore store, long start, long end) {
        String query = call.param("query");
        if (query == null || query.isBlank()) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "missing required parameter \"query\"");
        }
        List<Matcher> matchers = LogQlEngine.selectorOf(query);
        long defaultStep = Math.max(10_000_000_000L, (end - start) / 250 / 1_000_000_000L * 1_000_000_000L);
        long step = LokiParams.duration(call, "step", defaultStep);
        if (step <= 0 || (end - start) / step + 1 > MAX_POINTS) {
            throw LokiParams.invalid("step", call.param("step"), "must be > 0 and give at most " + MAX_POINTS + " points");
        }
        int n = (int) ((end - start) / step + 1);
        Drain drain = new Drain(MAX_CLUSTERS);
        int[] read = {0};
        try (LogQuerier q = store.querier(start, end)) {
            q.select(matchers, List.of(), false, r -> {
                Drain.Cluster cluster = drain.add(r.body());
                if (cluster != null) {
                    if (cluster.counts == null) {
                        cluster.counts = new long[n + 1];
                    }
                    cluster.counts[(int) ((r.timestampNanos() - start) / step)]++;
                    cluster.counts[n]++;
                }
                return ++read[0] < MAX_LINES;
            });
        }
        // Clusters whose templates became equal as they generalised count as one pattern.
        Map<String, long[]> counts = new HashMap<>();
        for (Drain.Cluster c : drain.clusters()) {
            long[] sum = counts.computeIfAbsent(c.pattern(), k -> new long[n + 1]);
            for (int k = 0; k <= n; k++) {
                sum[k] += c.counts[k];
            }
        }
        List<Map.Entry<String, long[]>> top = counts.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[n]).thenComparing(Map.Entry::getKey))
                .limit(MAX_PATTERNS).toList();
        return Reply.json(200, Map.of(), out -> {
            var g = out.gen();
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeArrayFieldStart("data");
            for (Map.Entry<String, long[]> e : top) {
                g.writeStartObject();
                g.writeStringField("pattern", e.getKey());
                g.writeArrayFieldStart("samples");
                for (int k = 0; k < n; k++) {
                    if (e.getValue()[k] > 0) {
                        g.writeStartArray();
                        g.writeNumber((start + k * step) / 1_000_000_000L);
                        g.writeNumber(e.getValue()[k]);
                        g.writeEndArray();
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }
}
