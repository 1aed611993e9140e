package io.sightline.query.api;

import io.sightline.query.promql.parser.Strings;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.regex.Pattern;

/**
 * Reads API timestamps as Prometheus's {@code parseTime} does: Unix seconds with an optional fraction (rounded to
 * milliseconds), or RFC 3339 with optional nanoseconds, or Prometheus's own min/max time strings.
 */
final class PromTime {
    /** Prometheus's {@code minTime} and {@code maxTime} (the defaults of series/labels), in milliseconds. */
    static final long MIN_MILLIS = -9223309901257974L * 1000;
    static final long MAX_MILLIS = 9223309901257974L * 1000 + 999;

    private static final String MIN_FORMATTED = "-292273086-05-16T16:47:06Z";
    private static final String MAX_FORMATTED = "292277025-08-18T07:12:54.999999999Z";

    /** What Go's strconv.ParseFloat reads in decimal (hex floats are not accepted here). */
    static final Pattern GO_FLOAT = Pattern.compile(
            "[+-]?(?:(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))");

    private static final DateTimeFormatter RFC3339 = new DateTimeFormatterBuilder()
            .parseStrict()
            .appendValue(ChronoField.YEAR, 4)
            .appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2)
            .appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd()
            .appendOffset("+HH:MM", "Z")
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    private PromTime() {
    }

    /** @throws IllegalArgumentException {@code cannot parse "x" to a valid timestamp} */
    static long parseMillis(String s) {
        if (GO_FLOAT.matcher(s).matches()) {
            double t = Double.parseDouble(normalizeSpecial(s));
            if (Double.isFinite(t) && Math.abs(t) < 9.2e15) {
                return floatSecondsToMillis(t);
            }
        } else {
            try {
                return OffsetDateTime.parse(s, RFC3339).toInstant().toEpochMilli();
            } catch (DateTimeException | ArithmeticException e) {
                // fall through to the special strings
            }
            if (s.equals(MIN_FORMATTED)) {
                return MIN_MILLIS;
            }
            if (s.equals(MAX_FORMATTED)) {
                return MAX_MILLIS;
            }
        }
        throw new IllegalArgumentException("cannot parse " + Strings.goQuote(s) + " to a valid timestamp");
    }

    /**
     * The same float steps as Prometheus ({@code math.Modf}, the fraction rounded to milliseconds, then to
     * nanoseconds), so that the rare off-by-one of that arithmetic is reproduced too.
     */
    static long floatSecondsToMillis(double t) {
        double whole = t < 0 ? Math.ceil(t) : Math.floor(t);
        double frac = t - whole;
        frac = goRound(frac * 1000) / 1000;
        long sec = (long) whole;
        long nanos = (long) (frac * 1e9);
        sec += Math.floorDiv(nanos, 1_000_000_000L);
        nanos = Math.floorMod(nanos, 1_000_000_000L);
        return sec * 1000 + nanos / 1_000_000;
    }

    /** Go's strconv accepts "inf", "infinity" and "nan" in any case; Java's parser only some spellings. */
    static String normalizeSpecial(String s) {
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith("nan")) {
            return "NaN";
        }
        if (lower.endsWith("inf") || lower.endsWith("infinity")) {
            return lower.startsWith("-") ? "-Infinity" : "Infinity";
        }
        return s;
    }

    /** Go's math.Round: half away from zero. */
    private static double goRound(double x) {
        double r = Math.floor(Math.abs(x) + 0.5);
        return Math.copySign(r, x);
    }
}
