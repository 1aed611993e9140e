package io.sightline.query.api;

import io.sightline.query.HttpCall;
import io.sightline.query.QueryException;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Loki's request parameters: times as Unix nanoseconds, seconds (10 digits or fewer, or with a fraction)
 * or RFC3339; durations as Go durations or float seconds; {@code direction} and {@code limit}.
 */
final class LokiParams {
    static final int DEFAULT_LIMIT = 100;

    private LokiParams() {
    }

    static QueryException invalid(String param, String value, String why) {
        return new QueryException(QueryException.ErrorType.BAD_DATA, "invalid parameter \"" + param + "\" = \"" + value + "\": " + why);
    }

    /** A time in Unix nanoseconds, or {@code defaultNanos} when absent. */
    static long time(HttpCall call, String param, long defaultNanos) {
        String v = call.param(param);
        if (v == null || v.isEmpty()) {
            return defaultNanos;
        }
        return parseTime(param, v);
    }

    static long parseTime(String param, String v) {
        try {
            if (v.contains(".") && !v.contains("T")) {
                return Math.round(Double.parseDouble(v) * 1e9);
            }
            if (v.chars().allMatch(c -> Character.isDigit(c) || c == '-')) {
                long n = Long.parseLong(v);
                return v.length() <= 10 ? n * 1_000_000_000L : n;
            }
            Instant i = Instant.parse(v);
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw invalid(param, v, "not a Unix timestamp (seconds or nanoseconds) nor an RFC3339 time");
        }
    }

    /** A duration in nanoseconds: a Go duration such as {@code 30s} or float seconds. */
    static long duration(HttpCall call, String param, long defaultNanos) {
        String v = call.param(param);
        if (v == null || v.isEmpty()) {
            return defaultNanos;
        }
        try {
            return Math.round(Double.parseDouble(v) * 1e9);
        } catch (NumberFormatException e) {
            try {
                return io.sightline.query.logql.LogQlEngine.parseDuration(v);
            } catch (NumberFormatException again) {
                throw invalid(param, v, "not a duration such as 30s or a number of seconds");
            }
        }
    }

    /** {@code forward} or {@code backward} (the default), case-insensitive. */
    static boolean forward(HttpCall call) {
        String v = call.param("direction");
        if (v == null || v.isEmpty() || v.equalsIgnoreCase("backward")) {
            return false;
        }
        if (v.equalsIgnoreCase("forward")) {
            return true;
        }
        throw invalid("direction", v, "must be forward or backward");
    }

    /** A positive integer parameter, or {@code defaultValue} when absent. */
    static int positive(HttpCall call, String param, int defaultValue) {
        String v = call.param(param);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw invalid(param, v, "must be a positive integer");
    }

    static int limit(HttpCall call) {
        String v = call.param("limit");
        if (v == null || v.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw invalid("limit", v, "not an integer");
        }
    }
}
