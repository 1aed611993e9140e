package io.sightline.query.api;

import io.sightline.query.promql.parser.Strings;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads API durations as Prometheus's {@code parseDuration} does: float seconds ({@code 15}, {@code 0.5}) or a
 * Prometheus duration ({@code 5m}, {@code 1h30m}, units y w d h m s ms, largest first).
 */
final class PromDuration {
    private static final Pattern UNITS = Pattern.compile(
            "(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?");
    private static final long[] UNIT_NANOS = {
            365L * 24 * 3600 * 1_000_000_000L, 7L * 24 * 3600 * 1_000_000_000L, 24L * 3600 * 1_000_000_000L,
            3600L * 1_000_000_000L, 60L * 1_000_000_000L, 1_000_000_000L, 1_000_000L};

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
        } else if (s.equals("0")) {
            return 0;
        } else if (!s.isEmpty()) {
            Matcher m = UNITS.matcher(s);
            if (m.matches()) {
                long total = 0;
                for (int i = 0; i < UNIT_NANOS.length; i++) {
                    String n = m.group(i + 1);
                    if (n != null) {
                        try {
                            total = Math.addExact(total, Math.multiplyExact(Long.parseLong(n), UNIT_NANOS[i]));
                        } catch (ArithmeticException | NumberFormatException e) {
                            throw new IllegalArgumentException("cannot parse " + Strings.goQuote(s)
                                    + " to a valid duration: duration out of range");
                        }
                    }
                }
                return total;
            }
        }
        throw new IllegalArgumentException("cannot parse " + Strings.goQuote(s) + " to a valid duration");
    }
}
