package io.sightline.query.promql.function;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/** Functions applied to each sample value on its own (abs, ceil, sin, hour, ...); all drop the metric name. */
public final class ElementFunctions {
    private static final Map<String, DoubleUnaryOperator> TABLE = new HashMap<>();

    static {
        TABLE.put("abs", Math::abs);
        TABLE.put("ceil", Math::ceil);
        TABLE.put("floor", Math::floor);
        TABLE.put("exp", Math::exp);
        TABLE.put("ln", Math::log);
        TABLE.put("log2", ElementFunctions::log2);
        TABLE.put("log10", Math::log10);
        TABLE.put("sqrt", Math::sqrt);
        TABLE.put("sgn", Math::signum);
        TABLE.put("sin", Math::sin);
        TABLE.put("cos", Math::cos);
        TABLE.put("tan", Math::tan);
        TABLE.put("asin", Math::asin);
        TABLE.put("acos", Math::acos);
        TABLE.put("atan", Math::atan);
        TABLE.put("sinh", Math::sinh);
        TABLE.put("cosh", Math::cosh);
        TABLE.put("tanh", Math::tanh);
        TABLE.put("asinh", v -> Double.isInfinite(v) ? v : Math.log(v + Math.sqrt(v * v + 1)));
        TABLE.put("acosh", v -> Math.log(v + Math.sqrt(v * v - 1)));
        TABLE.put("atanh", v -> 0.5 * Math.log((1 + v) / (1 - v)));
        TABLE.put("deg", v -> v * 180 / Math.PI);
        TABLE.put("rad", v -> v * Math.PI / 180);
        TABLE.put("minute", dated(d -> d.getMinute()));
        TABLE.put("hour", dated(d -> d.getHour()));
        TABLE.put("day_of_month", dated(d -> d.getDayOfMonth()));
        TABLE.put("day_of_week", dated(d -> d.getDayOfWeek().getValue() % 7));
        TABLE.put("day_of_year", dated(d -> d.getDayOfYear()));
        TABLE.put("days_in_month", dated(d -> d.toLocalDate().lengthOfMonth()));
        TABLE.put("month", dated(d -> d.getMonthValue()));
        TABLE.put("year", dated(d -> d.getYear()));
    }

    private ElementFunctions() {
    }

    /** The function, or null. */
    public static DoubleUnaryOperator get(String name) {
        return TABLE.get(name);
    }

    /** Whether {@code name} is a date function (NaN in, no output; no argument means time()). */
    public static boolean isDateFunction(String name) {
        return switch (name) {
            case "minute", "hour", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "month", "year" -> true;
            default -> false;
        };
    }

    private static double log2(double v) {
        if (v > 0 && !Double.isInfinite(v)) {
            long bits = Double.doubleToRawLongBits(v);
            if ((bits & 0x000fffffffffffffL) == 0) {
                return ((bits >>> 52) & 0x7ff) - 1023; // exact for powers of two, as Go's math.Log2
            }
        }
        return Math.log(v) / Math.log(2);
    }

    /** A date function of the UTC time {@code v} seconds after the epoch; NaN where no date exists (NaN, ±Inf, far out). */
    private static DoubleUnaryOperator dated(java.util.function.ToDoubleFunction<ZonedDateTime> f) {
        return v -> {
            if (!(Math.abs(v) < 3e16)) { // beyond java.time's range (and Prometheus's meaningful one)
                return Double.NaN;
            }
            return f.applyAsDouble(ZonedDateTime.ofInstant(Instant.ofEpochSecond((long) v), ZoneOffset.UTC));
        };
    }
}
