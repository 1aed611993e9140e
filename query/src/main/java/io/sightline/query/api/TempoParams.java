package io.sightline.query.api;

import io.sightline.query.HttpCall;
import io.sightline.query.QueryException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Tempo's request parameters: trace ids of up to 32 hex digits (shorter ones left-padded with zeros, as Tempo
 * does), times in Unix seconds (nanoseconds and RFC3339 are accepted too), Go durations and positive integers.
 */
final class TempoParams {
    static final long SECOND = 1_000_000_000L;

    private TempoParams() {
    }

    /** The 32-character lower-case form of a trace id. */
    static String traceId(String raw) {
        String id = raw.trim();
        if (id.isEmpty() || id.length() > 32 || !id.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "invalid trace id \"" + raw
                    + "\": a trace id is 1 to 32 hexadecimal digits");
        }
        return "0".repeat(32 - id.length()) + id.toLowerCase(Locale.ROOT);
    }

    /** A time in Unix nanoseconds, or {@code defaultNanos} when absent. */
    static long time(HttpCall call, String param, long defaultNanos) {
        return LokiParams.time(call, param, defaultNanos);
    }

    /**
     * The inclusive end of a range given in seconds: the whole last second counts, so that a span started at
     * {@code end + 0.5s} is in a range whose end Grafana truncated to {@code end}.
     */
    static long end(HttpCall call, long defaultNanos) {
        String v = call.param("end");
        long end = time(call, "end", defaultNanos);
        boolean isSeconds = v != null && !v.isEmpty() && v.chars().allMatch(Character::isDigit) && v.length() <= 10;
        return isSeconds ? end + SECOND - 1 : end;
    }

    /** A Go duration such as {@code 100ms} in nanoseconds; 0 when absent. */
    static long duration(HttpCall call, String param) {
        long d = LokiParams.duration(call, param, 0);
        if (d < 0) {
            throw LokiParams.invalid(param, call.param(param), "must not be negative");
        }
        return d;
    }

    /** A positive integer, or {@code defaultValue} when absent or 0 (Tempo's "use the default"). */
    static int positive(HttpCall call, String param, int defaultValue) {
        String v = call.param(param);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw LokiParams.invalid(param, v, "must not be negative");
            }
            return n == 0 ? defaultValue : n;
        } catch (NumberFormatException e) {
            throw LokiParams.invalid(param, v, "not an integer");
        }
    }

    /** A path segment that Grafana encoded twice (its tag names): decoded once more when it still holds escapes. */
    static String pathSegment(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
