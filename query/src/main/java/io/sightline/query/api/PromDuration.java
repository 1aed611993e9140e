package io.sightline.query.api;

import io.sightline.query.promql.parser.Strings;
import io.sightline.query.promql.parser.Durations;

/**
 * Reads API durations as Prometheus's {@code parseDuration} does: float seconds ({@code 15}, {@code 0.5}) or a
 * Prometheus duration ({@code 5m}, {@code 1h30m}), read by the same {@link Durations} as PromQL's.
 */
final class PromDuration {
    private PromDuration() {
    }

    /**
     * @return nanoseconds (may be zero or negative; callers check)
     * @throws IllegalArgumentException {@code cannot parse "x" to a valid duration}
     */
    static long parseNanos(String s) {
        if (PromTime.GO_FLOAT.matcher(s).matches()) {
            double seconds = Double.parseDouble(PromTime.normalizeSpecial(s));
            double nanos = seconds * 1e9;
            if (nanos > (double) Long.MAX_VALUE || nanos < (double) Long.MIN_VALUE) {
                throw new IllegalArgumentException("cannot parse " + Strings.goQuote(s)
                        + " to a valid duration. It overflows int64");
            }
            if (!Double.isNaN(nanos)) {
                return (long) nanos;
            }
        } else if (!s.isEmpty()) {
            try {
                return Math.multiplyExact(Durations.parse(s), 1_000_000L);
            } catch (ArithmeticException e) {
                throw outOfRange(s);
            } catch (IllegalArgumentException e) {
                if (e.getMessage().equals("duration out of range")) {
                    throw outOfRange(s);
                }
            }
        }
        throw new IllegalArgumentException("cannot parse " + Strings.goQuote(s) + " to a valid duration");
    }

    private static IllegalArgumentException outOfRange(String s) {
        return new IllegalArgumentException("cannot parse " + Strings.goQuote(s) + " to a valid duration: duration out of range");
    }
}
