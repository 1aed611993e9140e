package io.sightline.query.api;

import io.sightline.query.TraceQueryEngine;
import io.sightline.query.TraceSearchResult;
import io.sightline.query.promql.parser.Strings;
import io.sightline.query.traceql.TraceQlEngine;
import io.sightline.storage.TraceStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tempo's {@code tempopb.StreamingQuerier} service, which Grafana's Tempo data source calls on the data source URL
 * when "Streaming" is on: {@code Search} sends the traces found after each time window it reads, then a last
 * message with the rest and the metrics; the tag methods send one message. Parameters mean what they mean on the
 * HTTP API ({@link TempoEndpoints}): times in Unix seconds with the same defaults, 0 for "not given".
 * {@code MetricsQueryRange} and {@code MetricsQueryInstant} send the series of a TraceQL metrics query in one
 * message.
 */
final class TempoGrpc {
    static final String SERVICE = "/tempopb.StreamingQuerier/";

    private final TraceQueryEngine engine;
    private final TempoTags tags;
    private final Clock clock;

    TempoGrpc(TraceQueryEngine engine, TraceStore store, Clock clock) {
        this.engine = engine;
        this.tags = new TempoTags(store);
        this.clock = clock;
    }

    static GrpcServices services(TraceQueryEngine engine, TraceStore store, Clock clock) {
        TempoGrpc t = new TempoGrpc(engine, store, clock);
        return new GrpcServices(Map.of(
                SERVICE + "Search", t::search,
                SERVICE + "SearchTags", t::searchTags,
                SERVICE + "SearchTagsV2", t::searchTagsV2,
                SERVICE + "SearchTagValues", (req, out) -> t.searchTagValues(req, out, false),
                SERVICE + "SearchTagValuesV2", (req, out) -> t.searchTagValues(req, out, true),
                SERVICE + "MetricsQueryRange", t::metricsQueryRange,
                SERVICE + "MetricsQueryInstant", t::metricsQueryInstant));
    }

    private long nowNanos() {
        return clock.millis() * 1_000_000L;
    }

    /** [start, end] in nanoseconds from Unix seconds (0: not given); the end second counts whole, as on HTTP. */
    private long[] range(long startSeconds, long endSeconds, long lookback) {
        long end = endSeconds == 0 ? nowNanos() : endSeconds * TempoParams.SECOND + TempoParams.SECOND - 1;
        long start = startSeconds == 0 ? end - lookback : startSeconds * TempoParams.SECOND;
        if (end < start) {
            throw LokiParams.invalid("end", Long.toString(endSeconds), "must not be before start");
        }
        return new long[] {start, end};
    }

    private void search(byte[] request, GrpcMethod.Responses out) {
        TempoProto.SearchRequest r = TempoProto.searchRequest(request);
        long[] range = range(r.start(), r.end(), TempoEndpoints.SEARCH_LOOKBACK);
        int limit = r.limit() == 0 ? TempoEndpoints.DEFAULT_LIMIT : (int) Math.min(r.limit(), Integer.MAX_VALUE);
        int spss = r.spansPerSpanSet() == 0 ? TempoEndpoints.DEFAULT_SPSS
                : (int) Math.min(r.spansPerSpanSet(), Integer.MAX_VALUE);
        String query = r.query().isBlank() ? fromTags(r) : r.query();
        Set<String> sent = new HashSet<>();
        TraceSearchResult result = engine.search(query, range[0], range[1], limit, spss, soFar -> {
            List<TraceSearchResult.Trace> fresh = unsent(soFar.traces(), sent);
            if (!fresh.isEmpty()) {
                out.send(TempoProto.searchResponse(fresh, soFar, false));
            }
            return !out.isCancelled();
        });
        out.send(TempoProto.searchResponse(unsent(result.traces(), sent), result, true));
    }

    /** The traces not sent before; marks them sent. Grafana keeps the first copy of each trace it receives. */
    private static List<TraceSearchResult.Trace> unsent(List<TraceSearchResult.Trace> traces, Set<String> sent) {
        List<TraceSearchResult.Trace> out = new ArrayList<>();
        for (TraceSearchResult.Trace t : traces) {
            if (sent.add(t.traceId())) {
                out.add(t);
            }
        }
        return out;
    }

    /** Tempo's tag search (the {@code Tags} map and durations in milliseconds) as TraceQL. */
    private static String fromTags(TempoProto.SearchRequest r) {
        StringBuilder logfmt = new StringBuilder();
        r.tags().forEach((k, v) -> logfmt.append(logfmt.isEmpty() ? "" : " ").append(k).append('=').append(Strings.goQuote(v)));
        if (r.maxDurationMs() > 0 && r.maxDurationMs() < r.minDurationMs()) {
            throw LokiParams.invalid("MaxDurationMs", Long.toString(r.maxDurationMs()), "must not be less than MinDurationMs");
        }
        return TraceQlEngine.fromTags(logfmt.toString(), r.minDurationMs() * 1_000_000L, r.maxDurationMs() * 1_000_000L);
    }

    /** The whole range in one message: the series are computed in one pass over the spans. */
    private void metricsQueryRange(byte[] request, GrpcMethod.Responses out) {
        TempoProto.QueryRangeRequest r = TempoProto.queryRangeRequest(request);
        long[] range = metricsRange(r);
        long step = r.step() == 0 ? TempoMetrics.defaultStep(range[0], range[1]) : r.step();
        out.send(TempoMetrics.queryRangeResponse(engine.queryRange(r.query(), range[0], range[1], step)));
    }

    /** {@code QueryInstantRequest}: query = 1, start = 2, end = 3 (nanoseconds), as {@code QueryRangeRequest}'s. */
    private void metricsQueryInstant(byte[] request, GrpcMethod.Responses out) {
        TempoProto.QueryRangeRequest r = TempoProto.queryRangeRequest(request);
        long[] range = metricsRange(r);
        out.send(TempoMetrics.queryInstantResponse(engine.queryInstant(r.query(), range[0], range[1])));
    }

    /** [start, end] of a metrics request in nanoseconds (the last hour when not given); the query must be there. */
    private long[] metricsRange(TempoProto.QueryRangeRequest r) {
        if (r.query().isBlank()) {
            throw LokiParams.invalid("query", "", "a TraceQL metrics query is required, e.g. { } | rate()");
        }
        long end = r.end() == 0 ? nowNanos() : r.end();
        long start = r.start() == 0 ? end - TempoEndpoints.SEARCH_LOOKBACK : r.start();
        if (end < start) {
            throw LokiParams.invalid("end", Long.toString(r.end()), "must not be before start");
        }
        return new long[] {start, end};
    }

    private void searchTags(byte[] request, GrpcMethod.Responses out) {
        TempoProto.SearchTagsRequest r = TempoProto.searchTagsRequest(request);
        long[] range = range(r.start(), r.end(), TempoEndpoints.TAGS_LOOKBACK);
        out.send(TempoProto.searchTagsResponse(tags.names(TempoTags.scope(r.scope()), range[0], range[1],
                TempoTags.limit((int) Math.min(r.maxTagsPerScope(), Integer.MAX_VALUE)))));
    }

    private void searchTagsV2(byte[] request, GrpcMethod.Responses out) {
        TempoProto.SearchTagsRequest r = TempoProto.searchTagsRequest(request);
        long[] range = range(r.start(), r.end(), TempoEndpoints.TAGS_LOOKBACK);
        out.send(TempoProto.searchTagsV2Response(tags.scopes(TempoTags.scope(r.scope()), range[0], range[1],
                TempoTags.limit((int) Math.min(r.maxTagsPerScope(), Integer.MAX_VALUE)))));
    }

    private void searchTagValues(byte[] request, GrpcMethod.Responses out, boolean isV2) {
        TempoProto.SearchTagValuesRequest r = TempoProto.searchTagValuesRequest(request);
        if (r.tagName().isEmpty()) {
            throw LokiParams.invalid("tagName", "", "must name a tag");
        }
        long[] range = range(r.start(), r.end(), TempoEndpoints.TAGS_LOOKBACK);
        List<TraceQueryEngine.TagValue> values = engine.tagValues(r.tagName(), r.query().isEmpty() ? null : r.query(),
                range[0], range[1], TempoTags.limit((int) Math.min(r.maxTagValues(), Integer.MAX_VALUE)));
        out.send(isV2 ? TempoProto.searchTagValuesV2Response(values) : TempoProto.searchTagValuesResponse(values));
    }
}
