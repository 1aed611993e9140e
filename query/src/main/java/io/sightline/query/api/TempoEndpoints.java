package io.sightline.query.api;

import io.sightline.query.HttpCall;
import io.sightline.query.TraceQueryEngine;
import io.sightline.query.TraceSearchResult;
import io.sightline.query.traceql.TraceQlEngine;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.model.Span;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Tempo HTTP API with Tempo's JSON shapes: trace by id (OTLP JSON, or protobuf when asked), TraceQL and tag
 * search, tag names and values (v1 and v2), echo and build info. Errors are plain text with the status, as Tempo
 * sends them; an unknown trace is a 404 "trace not found".
 */
final class TempoEndpoints {
    static final String TRACES = "/api/traces/";
    static final String TRACES_V2 = "/api/v2/traces/";
    static final String TAG_VALUES = "/api/search/tag/";
    static final String TAG_VALUES_V2 = "/api/v2/search/tag/";
    static final int DEFAULT_LIMIT = 20;
    static final int DEFAULT_SPSS = 3;
    static final int MAX_TAG_VALUES = TempoTags.MAX_TAG_VALUES;
    private static final Set<String> GET = Set.of("GET");
    private static final long HOUR = 3_600L * TempoParams.SECOND;
    /** Without start/end a search covers the last hour and a tag listing the last six (Tempo: recent data). */
    static final long SEARCH_LOOKBACK = HOUR;
    static final long TAGS_LOOKBACK = 6 * HOUR;
    private static final String PROTOBUF = "application/protobuf";

    private final TraceQueryEngine engine;
    private final TraceStore store;
    private final TempoTags tags;
    private final Clock clock;

    TempoEndpoints(TraceQueryEngine engine, TraceStore store, Clock clock) {
        this.engine = engine;
        this.store = store;
        this.tags = new TempoTags(store);
        this.clock = clock;
    }

    static List<Endpoint> endpoints(TraceQueryEngine engine, TraceStore store, Clock clock) {
        TempoEndpoints t = new TempoEndpoints(engine, store, clock);
        List<Endpoint> list = new ArrayList<>();
        list.add(new Endpoint(TRACES + ":id", GET, TRACES, true, c -> t.trace(c, TRACES, false)));
        list.add(new Endpoint(TRACES_V2 + ":id", GET, TRACES_V2, true, c -> t.trace(c, TRACES_V2, true)));
        list.add(exact("/api/search", t::search));
        list.add(exact("/api/search/tags", t::tagsV1));
        list.add(exact("/api/v2/search/tags", t::tagsV2));
        list.add(new Endpoint(TAG_VALUES + ":name/values", GET, TAG_VALUES, true, c -> t.tagValues(c, TAG_VALUES, false)));
        list.add(new Endpoint(TAG_VALUES_V2 + ":name/values", GET, TAG_VALUES_V2, true, c -> t.tagValues(c, TAG_VALUES_V2, true)));
        list.add(exact(TempoMetrics.QUERY_RANGE, c -> TempoMetrics.queryRange(engine, clock, c)));
        list.add(exact(TempoMetrics.QUERY_INSTANT, c -> TempoMetrics.queryInstant(engine, clock, c)));
        list.add(exact("/api/echo", c -> PlainText.reply(200, "echo")));
        // The Tempo version whose API this implements; Grafana reads it to pick request forms.
        list.add(exact("/api/status/buildinfo", c -> PlainText.buildInfo("2.9.0")));
        return list.stream().map(e -> PlainText.guarded(e, 500)).map(Cors::wrap).toList();
    }

    private static Endpoint exact(String path, Endpoint.Handler h) {
        return new Endpoint(path, GET, path, false, h);
    }

    private long now() {
        return clock.millis() * 1_000_000L;
    }

    private Reply trace(HttpCall call, String prefix, boolean isV2) {
        String rest = call.path().substring(prefix.length());
        if (rest.isEmpty() || rest.contains("/")) {
            return PlainText.reply(404, "404 page not found");
        }
        String id = TempoParams.traceId(rest);
        // Tempo limits the lookup to [start, end] only when both are given; else it searches everything.
        boolean hasRange = call.param("start") != null && call.param("end") != null;
        long start = hasRange ? TempoParams.time(call, "start", 0) : Long.MIN_VALUE;
        long end = hasRange ? TempoParams.end(call, 0) : Long.MAX_VALUE;
        if (end < start) {
            throw LokiParams.invalid("end", call.param("end"), "must not be before start");
        }
        List<Span> spans;
        try (TraceQuerier q = store.querier(start, end)) {
            spans = q.trace(id);
        }
        if (spans.isEmpty()) {
            return PlainText.reply(404, "trace not found");
        }
        int max = engine.maxSpansPerTrace();
        String partial = null;
        if (spans.size() > max) {
            // As Tempo past max_bytes_per_trace: v2 answers the part under the limit and says so, v1 refuses.
            if (!isV2) {
                return PlainText.reply(422, "trace " + id + " has " + spans.size() + " spans, more than "
                        + "traces.query.max_spans_per_trace=" + max + "; /api/v2/traces/" + id + " answers its first "
                        + max + " spans, or raise the limit");
            }
            partial = "trace " + id + " has " + spans.size() + " spans; only its first " + max + " by start time are "
                    + "returned (traces.query.max_spans_per_trace=" + max + ")";
            spans = spans.subList(0, max);
        }
        List<Span> shown = spans;
        String message = partial;
        String accept = call.header("accept");
        if (accept != null && accept.toLowerCase(Locale.ROOT).contains(PROTOBUF)) {
            byte[] body = isV2 ? TraceProto.traceByIdResponse(shown, message) : TraceProto.tracesData(shown);
            return new Reply(200, PROTOBUF, Map.of(), body, null);
        }
        return Reply.json(200, Map.of(), out -> {
            var g = out.gen();
            g.writeStartObject();
            if (isV2) {
                g.writeObjectFieldStart("trace");
                g.writeFieldName("resourceSpans");
                TraceJson.resourceSpans(out, shown);
                g.writeEndObject();
                if (message != null) {
                    g.writeStringField("status", "PARTIAL");
                    g.writeStringField("message", message);
                }
            } else {
                g.writeFieldName("batches");
                TraceJson.resourceSpans(out, shown);
            }
            g.writeEndObject();
        });
    }

    private Reply search(HttpCall call) {
        long end = TempoParams.end(call, now());
        long start = TempoParams.time(call, "start", end - SEARCH_LOOKBACK);
        if (end < start) {
            throw LokiParams.invalid("end", call.param("end"), "must not be before start");
        }
        int limit = TempoParams.positive(call, "limit", DEFAULT_LIMIT);
        int spss = TempoParams.positive(call, "spss", DEFAULT_SPSS);
        String q = call.param("q");
        String query;
        if (q != null && !q.isBlank()) {
            query = q;
        } else {
            long min = TempoParams.duration(call, "minDuration");
            long max = TempoParams.duration(call, "maxDuration");
            if (max > 0 && max < min) {
                throw LokiParams.invalid("maxDuration", call.param("maxDuration"), "must not be less than minDuration");
            }
            query = TraceQlEngine.fromTags(call.param("tags"), min, max);
        }
        TraceSearchResult r = engine.search(query, start, end, limit, spss);
        return Reply.json(200, Map.of(), out -> TraceJson.searchResult(out, r));
    }

    private long[] tagsRange(HttpCall call) {
        long end = TempoParams.end(call, now());
        long start = TempoParams.time(call, "start", end - TAGS_LOOKBACK);
        if (end < start) {
            throw LokiParams.invalid("end", call.param("end"), "must not be before start");
        }
        return new long[] {start, end};
    }

    private Reply tagsV1(HttpCall call) {
        long[] range = tagsRange(call);
        List<String> list = tags.names(TempoTags.scope(call.param("scope")), range[0], range[1],
                TempoTags.limit(TempoParams.positive(call, "limit", MAX_TAG_VALUES)));
        return Reply.json(200, Map.of(), out -> {
            out.gen().writeStartObject();
            out.gen().writeFieldName("tagNames");
            out.stringArray(list);
            writeEmptyMetrics(out);
            out.gen().writeEndObject();
        });
    }

    private Reply tagsV2(HttpCall call) {
        long[] range = tagsRange(call);
        List<TempoTags.ScopeTags> scopes = tags.scopes(TempoTags.scope(call.param("scope")), range[0], range[1],
                TempoTags.limit(TempoParams.positive(call, "limit", MAX_TAG_VALUES)));
        return Reply.json(200, Map.of(), out -> {
            var g = out.gen();
            g.writeStartObject();
            g.writeArrayFieldStart("scopes");
            for (TempoTags.ScopeTags s : scopes) {
                scopeEntry(out, s.name(), s.tags());
            }
            g.writeEndArray();
            writeEmptyMetrics(out);
            g.writeEndObject();
        });
    }

    private static void scopeEntry(JsonOut out, String name, List<String> tags) throws IOException {
        out.gen().writeStartObject();
        out.gen().writeStringField("name", name);
        out.gen().writeFieldName("tags");
        out.stringArray(tags);
        out.gen().writeEndObject();
    }

    private static void writeEmptyMetrics(JsonOut out) throws IOException {
        out.gen().writeObjectFieldStart("metrics");
        out.gen().writeEndObject();
    }

    private Reply tagValues(HttpCall call, String prefix, boolean isV2) {
        String rest = call.path().substring(prefix.length());
        if (!rest.endsWith("/values") || rest.length() == "/values".length()) {
            return PlainText.reply(404, "404 page not found");
        }
        String tag = TempoParams.pathSegment(rest.substring(0, rest.length() - "/values".length()));
        long[] range = tagsRange(call);
        int limit = Math.min(TempoParams.positive(call, "limit", MAX_TAG_VALUES), MAX_TAG_VALUES);
        List<TraceQueryEngine.TagValue> values = engine.tagValues(tag, call.param("q"), range[0], range[1], limit);
        return Reply.json(200, Map.of(), out -> {
            var g = out.gen();
            g.writeStartObject();
            g.writeArrayFieldStart("tagValues");
            for (TraceQueryEngine.TagValue v : values) {
                if (isV2) {
                    g.writeStartObject();
                    g.writeStringField("type", v.type());
                    g.writeStringField("value", v.value());
                    g.writeEndObject();
                } else {
                    g.writeString(v.value());
                }
            }
            g.writeEndArray();
            writeEmptyMetrics(out);
            g.writeEndObject();
        });
    }

}
