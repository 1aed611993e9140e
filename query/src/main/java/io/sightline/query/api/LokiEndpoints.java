package io.sightline.query.api;

import io.sightline.query.HttpCall;
import io.sightline.query.LogQueryEngine;
import io.sightline.query.LogQueryResult;
import io.sightline.query.QueryException;
import io.sightline.query.logql.LogQlEngine;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Loki HTTP API ({@code /loki/api/v1/...}) with Loki's JSON shapes: {@code streams}, {@code matrix},
 * {@code vector} and {@code scalar} results with {@code stats}, and label, series and index-stats lists.
 * Errors are plain text with the status, as Loki sends them.
 */
final class LokiEndpoints {
    static final String PREFIX = "/loki/api/v1/";
    static final String LABEL_PREFIX = PREFIX + "label/";
    private static final Set<String> GET = Set.of("GET");
    private static final Set<String> GET_POST = Set.of("GET", "POST");
    private static final long HOUR = 3_600_000_000_000L;
    /** Loki's default range for the label and series APIs. */
    private static final long LABELS_LOOKBACK = 6 * HOUR;

    private final LogQueryEngine engine;
    private final LogStore store;
    private final Clock clock;

    LokiEndpoints(LogQueryEngine engine, LogStore store, Clock clock) {
        this.engine = engine;
        this.store = store;
        this.clock = clock;
    }

    static List<Endpoint> endpoints(LogQueryEngine engine, LogStore store, Clock clock) {
        LokiEndpoints l = new LokiEndpoints(engine, store, clock);
        List<Endpoint> list = new ArrayList<>();
        list.add(exact("query_range", GET_POST, l::queryRange));
        list.add(exact("query", GET_POST, l::query));
        list.add(exact("labels", GET_POST, l::labels));
        list.add(new Endpoint(LABEL_PREFIX + ":name/values", GET, LABEL_PREFIX, true, l::labelValues));
        list.add(exact("series", GET_POST, l::series));
        list.add(exact("index/stats", GET_POST, l::indexStats));
        list.add(exact("index/volume", GET_POST, l::volume));
        list.add(exact("index/volume_range", GET_POST, l::volumeRange));
        LokiDetected detected = new LokiDetected(engine, store);
        list.add(exact("detected_fields", GET_POST, c -> detected.fields(c, l.queryRangeWindow(c))));
        list.add(new Endpoint(LokiDetected.FIELD_PREFIX + ":name/values", GET_POST, LokiDetected.FIELD_PREFIX, true,
                c -> detected.fieldValues(c, l.queryRangeWindow(c))));
        list.add(exact("patterns", GET_POST, c -> {
            long[] w = l.queryRangeWindow(c);
            return LokiPatterns.patterns(c, store, w[0], w[1]);
        }));
        list.add(exact("detected_labels", GET_POST, c -> detected.labels(c, l.labelsRange(c))));
        list.add(exact("status/buildinfo", GET, c -> PlainText.buildInfo("3.0.0")));
        List<Endpoint> wrapped = new ArrayList<>(list.stream().map(e -> PlainText.guarded(e, 400)).map(Cors::wrap).toList());
        // Not wrapped: the WebSocket upgrade finds the endpoint by its handler's type.
        wrapped.add(exact("tail", GET, new LokiTail(engine, store, clock)));
        return wrapped;
    }

    private static Endpoint exact(String path, Set<String> methods, Endpoint.Handler h) {
        return new Endpoint(PREFIX + path, methods, PREFIX + path, false, h);
    }

    private long now() {
        long ms = clock.millis();
        return ms * 1_000_000L;
    }

    private static String required(HttpCall call, String param) {
        String v = call.param(param);
        if (v == null || v.isBlank()) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "missing required parameter \"" + param + "\"");
        }
        return v;
    }

    private Reply queryRange(HttpCall call) {
        String query = required(call, "query");
        long end = LokiParams.time(call, "end", now());
        long since = LokiParams.duration(call, "since", HOUR);
        long start = LokiParams.time(call, "start", end - since);
        if (end < start) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "end timestamp must not be before or equal to start time");
        }
        // Loki's default step: the range over 250 points, at least one second.
        long defaultStep = Math.max(1_000_000_000L, (end - start) / 250 / 1_000_000_000L * 1_000_000_000L);
        long step = call.param("step") != null ? LokiParams.duration(call, "step", defaultStep)
                : LokiParams.duration(call, "interval", defaultStep);
        if (step <= 0) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        LogQueryResult r = engine.rangeQuery(query, start, end, step, LokiParams.limit(call), LokiParams.forward(call));
        return success(r);
    }

    private Reply query(HttpCall call) {
        String query = required(call, "query");
        long time = LokiParams.time(call, "time", now());
        LogQueryResult r = engine.instantQuery(query, time, LokiParams.limit(call), LokiParams.forward(call));
        return success(r);
    }

    private static Reply success(LogQueryResult r) {
        return Reply.json(200, Map.of(), out -> {
            var g = out.gen();
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeObjectFieldStart("data");
            int entries = 0;
            if (r.isStreams()) {
                g.writeStringField("resultType", "streams");
                g.writeFieldName("result");
                entries = LokiTail.writeStreams(out, r.streams());
            } else {
                g.writeStringField("resultType", r.metric().resultType());
                g.writeFieldName("result");
                ValueJson.write(out, r.metric(), 0); // the same shapes as the Prometheus API
            }
            writeStats(out, r.stats(), entries);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** The part of Loki's stats that Grafana shows: the summary. */
    private static void writeStats(JsonOut out, LogQueryResult.Stats stats, int entries) throws IOException {
        var g = out.gen();
        double seconds = Math.max(stats.execNanos(), 1) / 1e9;
        g.writeObjectFieldStart("stats");
        g.writeObjectFieldStart("summary");
        g.writeNumberField("bytesProcessedPerSecond", (long) (stats.bytesProcessed() / seconds));
        g.writeNumberField("linesProcessedPerSecond", (long) (stats.linesProcessed() / seconds));
        g.writeNumberField("totalBytesProcessed", stats.bytesProcessed());
        g.writeNumberField("totalLinesProcessed", stats.linesProcessed());
        g.writeNumberField("execTime", seconds);
        g.writeNumberField("queueTime", 0);
        g.writeNumberField("subqueries", 0);
        g.writeNumberField("totalEntriesReturned", entries);
        g.writeNumberField("splits", 0);
        g.writeNumberField("shards", 0);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The matchers of the optional {@code query} parameter (a selector or a whole LogQL query). */
    private static List<Matcher> optionalSelector(HttpCall call) {
        String q = call.param("query");
        return q == null || q.isBlank() ? List.of() : LogQlEngine.selectorOf(q);
    }

    /** {@code [start, end]} defaulting as for query_range: the last hour. */
    private long[] queryRangeWindow(HttpCall call) {
        long end = LokiParams.time(call, "end", now());
        long since = LokiParams.duration(call, "since", HOUR);
        return new long[] {LokiParams.time(call, "start", end - since), end};
    }

    private long[] labelsRange(HttpCall call) {
        long end = LokiParams.time(call, "end", now());
        long since = LokiParams.duration(call, "since", LABELS_LOOKBACK);
        long start = LokiParams.time(call, "start", end - since);
        return new long[] {start, end};
    }

    private Reply labels(HttpCall call) {
        long[] range = labelsRange(call);
        List<Matcher> matchers = optionalSelector(call);
        List<String> names;
        try (LogQuerier q = store.querier(range[0], range[1])) {
            names = q.labelNames(matchers);
        }
        return stringList(names);
    }

    private Reply labelValues(HttpCall call) {
        String rest = call.path().substring(LABEL_PREFIX.length());
        if (!rest.endsWith("/values") || rest.length() == "/values".length()) {
            return PlainText.reply(404, "404 page not found");
        }
        String name = rest.substring(0, rest.length() - "/values".length());
        long[] range = labelsRange(call);
        List<Matcher> matchers = optionalSelector(call);
        List<String> values;
        try (LogQuerier q = store.querier(range[0], range[1])) {
            values = q.labelValues(name, matchers);
        }
        return stringList(values);
    }

    private static Reply stringList(List<String> values) {
        return Reply.json(200, Map.of(), out -> {
            out.gen().writeStartObject();
            out.gen().writeStringField("status", "success");
            out.gen().writeFieldName("data");
            out.stringArray(values);
            out.gen().writeEndObject();
        });
    }

    private Reply series(HttpCall call) {
        List<String> selectors = call.params().getOrDefault("match[]", call.params().getOrDefault("match", List.of()));
        if (selectors.isEmpty()) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "missing required parameter \"match[]\"");
        }
        long[] range = labelsRange(call);
        TreeSet<Labels> found = new TreeSet<>();
        try (LogQuerier q = store.querier(range[0], range[1])) {
            for (String s : selectors) {
                List<Matcher> m = LogQlEngine.selectorOf(s);
                found.addAll(q.streams(m));
            }
        }
        return Reply.json(200, Map.of(), out -> {
            out.gen().writeStartObject();
            out.gen().writeStringField("status", "success");
            out.gen().writeArrayFieldStart("data");
            for (Labels l : found) {
                out.labels(l);
            }
            out.gen().writeEndArray();
            out.gen().writeEndObject();
        });
    }

    /** Streams, entries and bytes a selector covers, from the page index; Grafana asks before running a query. */
    private Reply indexStats(HttpCall call) {
        String query = required(call, "query");
        long[] range = labelsRange(call);
        List<Matcher> matchers = LogQlEngine.selectorOf(query);
        long[] counts = new long[3];
        try (LogQuerier q = store.querier(range[0], range[1])) {
            counts[0] = q.streams(matchers).size();
            q.volume(matchers, (stream, lo, hi, entries, bytes) -> {
                counts[1] += entries;
                counts[2] += bytes;
            });
        }
        return Reply.json(200, Map.of(), out -> {
            var g = out.gen();
            g.writeStartObject();
            g.writeNumberField("streams", counts[0]);
            g.writeNumberField("chunks", counts[0]);
            g.writeNumberField("entries", counts[1]);
            g.writeNumberField("bytes", counts[2]);
            g.writeEndObject();
        });
    }

    private Reply volume(HttpCall call) {
        long[] range = labelsRange(call);
        return LokiVolume.instant(call, store, range[0], range[1]);
    }

    private Reply volumeRange(HttpCall call) {
        long[] range = labelsRange(call);
        long defaultStep = Math.max(1_000_000_000L, (range[1] - range[0]) / 250 / 1_000_000_000L * 1_000_000_000L);
        long step = LokiParams.duration(call, "step", defaultStep);
        if (step <= 0) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        return LokiVolume.range(call, store, range[0], range[1], step);
    }

}
