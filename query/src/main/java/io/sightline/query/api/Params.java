package io.sightline.query.api;

import io.sightline.query.promql.parser.Strings;
import io.sightline.query.HttpCall;
import io.sightline.query.QueryException;
import io.sightline.query.promql.parser.Parser;
import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Reads request parameters the way Prometheus's API does, with its error messages: every failure is a
 * {@code bad_data} {@link QueryException} that names the parameter and the value.
 */
final class Params {
    static final String MATCH = "match[]";

    private Params() {
    }

    static QueryException badData(String message) {
        return new QueryException(QueryException.ErrorType.BAD_DATA, message);
    }

    /** Prometheus's {@code invalidParamError}: {@code invalid parameter "start": ...}. */
    static QueryException invalid(String param, String message) {
        return badData("invalid parameter " + Strings.goQuote(param) + ": " + message);
    }

    /** A required timestamp (query_range's start and end). */
    static long requiredTime(HttpCall call, String param) {
        return parse(param, orEmpty(call.param(param)), PromTime::parseMillis, "");
    }

    /** An optional timestamp (Prometheus's {@code parseTimeParam}, whose message names the parameter twice). */
    static long time(HttpCall call, String param, long defaultMillis) {
        String v = call.param(param);
        return v == null || v.isEmpty() ? defaultMillis
                : parse(param, v, PromTime::parseMillis, "invalid time value for '" + param + "': ");
    }

    /** A required duration in nanoseconds (query_range's step). */
    static long requiredDurationNanos(HttpCall call, String param) {
        return parse(param, orEmpty(call.param(param)), PromDuration::parseNanos, "");
    }

    /** A duration in nanoseconds, or {@code defaultNanos} when absent. */
    static long durationNanos(HttpCall call, String param, long defaultNanos) {
        String v = call.param(param);
        return v == null || v.isEmpty() ? defaultNanos : parse(param, v, PromDuration::parseNanos, "");
    }

    private static long parse(String param, String value, ToLongFunction<String> parser, String context) {
        try {
            return parser.applyAsLong(value);
        } catch (IllegalArgumentException e) {
            throw invalid(param, context + e.getMessage());
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The {@code limit} parameter: 0 (no limit) when absent; must be a non-negative integer. */
    static int limit(HttpCall call) {
        String v = call.param("limit");
        if (v == null || v.isEmpty()) {
            return 0;
        }
        int limit;
        try {
            limit = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw invalid("limit", "cannot parse " + Strings.goQuote(v) + " to a valid limit: not an integer");
        }
        if (limit < 0) {
            throw invalid("limit", "limit must be non-negative");
        }
        return limit;
    }

    /** An optional integer where Prometheus answers "limit must be a number" (metadata). */
    static int number(HttpCall call, String param, int defaultValue) {
        String v = call.param(param);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw badData(param + " must be a number, got " + Strings.goQuote(v));
        }
    }

    /**
     * Every {@code match[]} selector; each must have a matcher that does not match the empty string.
     * An empty list when none is given.
     */
    static List<List<Matcher>> matcherSets(HttpCall call) {
        List<String> values = call.params().getOrDefault(MATCH, List.of());
        List<List<Matcher>> sets = new ArrayList<>(values.size());
        for (String v : values) {
            List<Matcher> set;
            try {
                set = Parser.parseSelector(v);
            } catch (QueryException e) {
                throw invalid(MATCH, e.getMessage());
            }
            if (set.stream().allMatch(Matcher::matchesEmpty)) {
                throw invalid(MATCH, "match[] must contain at least one non-empty matcher, got " + Strings.goQuote(v));
            }
            sets.add(set);
        }
        return sets;
    }
}
