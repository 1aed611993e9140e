package io.sightline.query.api;

import io.sightline.query.promql.parser.Strings;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sightline.query.HttpCall;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryException;
import io.sightline.query.QueryOptions;
import io.sightline.query.QueryResult;
import io.sightline.query.QueryStats;
import io.sightline.storage.StorageException;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** {@code /api/v1/query}, {@code /api/v1/query_range} and {@code /api/v1/query_exemplars}, as Prometheus answers them. */
final class QueryEndpoints {
    static final String TRUNCATED = "results truncated due to limit";

    private final QueryEngine engine;
    private final int maxPointsPerSeries;
    private final Clock clock;

    QueryEndpoints(QueryEngine engine, int maxPointsPerSeries, Clock clock) {
        this.engine = engine;
        this.maxPointsPerSeries = maxPointsPerSeries;
        this.clock = clock;
    }

    Reply instant(HttpCall call) {
        int limit = Params.limit(call);
        long time = Params.time(call, "time", clock.millis());
        QueryOptions options = options(call);
        String query = query(call);
        QueryResult result = evaluate(() -> engine.instantQuery(query, time, options));
        return reply(result, limit, options.collectStats());
    }

    Reply range(HttpCall call) {
        int limit = Params.limit(call);
        long start = Params.requiredTime(call, "start");
        long end = Params.requiredTime(call, "end");
        if (end < start) {
            throw Params.invalid("end", "end timestamp must not be before start time");
        }
        long stepMillis = Params.requiredDurationNanos(call, "step") / 1_000_000;
        if (stepMillis <= 0) {
            throw Params.invalid("step", "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if (points(start, end, stepMillis) > maxPointsPerSeries) {
            throw Params.badData(String.format(java.util.Locale.ROOT, "exceeded maximum resolution of %,d points per timeseries. "
                    + "Try decreasing the query resolution (?step=XX)", maxPointsPerSeries));
        }
        QueryOptions options = options(call);
        String query = query(call);
        QueryResult result = evaluate(() -> engine.rangeQuery(query, start, end, stepMillis, options));
        return reply(result, limit, options.collectStats());
    }

    /** Exemplars are not stored yet: a valid request gets an empty list, as from a Prometheus without any. */
    Reply exemplars(HttpCall call) {
        long start = Params.time(call, "start", PromTime.MIN_MILLIS);
        long end = Params.time(call, "end", PromTime.MAX_MILLIS);
        if (end < start) {
            throw Params.badData("end timestamp must not be before start timestamp");
        }
        return Reply.success(out -> {
            out.gen().writeStartArray();
            out.gen().writeEndArray();
        }, List.of(), List.of());
    }

    private static long points(long start, long end, long stepMillis) {
        try {
            return Math.subtractExact(end, start) / stepMillis;
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String query(HttpCall call) {
        String q = call.param("query");
        return q == null ? "" : q;
    }

    private static QueryOptions options(HttpCall call) {
        long timeoutNanos = Params.durationNanos(call, "timeout", Long.MAX_VALUE);
        if (timeoutNanos <= 0) {
            throw Params.invalid("timeout", "timeout must be positive, got " + Strings.goQuote(call.param("timeout")));
        }
        timeoutNanos = timeoutNanos == Long.MAX_VALUE ? 0 : timeoutNanos;
        long lookbackNanos;
        try {
            lookbackNanos = call.param("lookback_delta") == null || call.param("lookback_delta").isEmpty() ? 0
                    : PromDuration.parseNanos(call.param("lookback_delta"));
        } catch (IllegalArgumentException e) {
            throw Params.badData("error parsing lookback delta duration: " + e.getMessage());
        }
        String stats = call.param("stats");
        return new QueryOptions(ceilMillis(timeoutNanos), Math.max(0, lookbackNanos / 1_000_000),
                stats != null && !stats.isEmpty());
    }

    private static long ceilMillis(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }

    /** A parse error becomes Prometheus's {@code invalid parameter "query": ...}; storage failures are internal. */
    private static QueryResult evaluate(Supplier<QueryResult> query) {
        try {
            return query.get();
        } catch (QueryException e) {
            if (e.type() == QueryException.ErrorType.BAD_DATA && !e.getMessage().startsWith("invalid parameter")) {
                throw new QueryException(e.type(), "invalid parameter \"query\": " + e.getMessage(), e.position(), e);
            }
            throw e;
        } catch (StorageException e) {
            throw new QueryException(QueryException.ErrorType.INTERNAL, e.getMessage(), -1, e);
        }
    }

    private static Reply reply(QueryResult result, int limit, boolean stats) {
        List<String> warnings = result.warnings() == null ? List.of() : result.warnings();
        if (ValueJson.truncates(result.value(), limit)) {
            warnings = new ArrayList<>(warnings);
            warnings.add(TRUNCATED);
        }
        QueryStats queryStats = stats ? result.stats() : null;
        return Reply.success(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            g.writeStringField("resultType", result.value().resultType());
            g.writeFieldName("result");
            ValueJson.write(out, result.value(), limit);
            if (queryStats != null) {
                writeStats(out, queryStats);
            }
            g.writeEndObject();
        }, warnings, result.infos());
    }

    private static void writeStats(JsonOut out, QueryStats s) throws IOException {
        JsonGenerator g = out.gen();
        g.writeFieldName("stats");
        g.writeStartObject();
        g.writeFieldName("timings");
        g.writeStartObject();
        g.writeFieldName("execTotalTime");
        out.number(s.execTotalSeconds());
        g.writeEndObject();
        g.writeFieldName("samples");
        g.writeStartObject();
        g.writeNumberField("totalQueryableSamples", s.totalQueryableSamples());
        g.writeNumberField("peakSamples", s.peakSamples());
        g.writeEndObject();
        g.writeEndObject();
    }
}
